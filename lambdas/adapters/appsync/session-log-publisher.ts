/**
 * The SessionLogPublisher port over AppSync: the IAM-only `publishSessionLogQuery` mutation. It
 * selects every field: AppSync pushes subscribers only what the publisher selected.
 */
import type { PublishSessionLogQueryInput } from '../../../graphql/generated/schema';
import type { SessionLogPublisher, SessionLogQueryView } from '../../core/session-logs/ports';
import { sessionLogQueryToGraphQL } from './graphql-values';
import { SignedGraphQLClient, type AppSyncClientOptions } from './signed-graphql';

export const PUBLISH_SESSION_LOG_QUERY = /* GraphQL */ `
  mutation PublishSessionLogQuery($input: PublishSessionLogQueryInput!) {
    publishSessionLogQuery(input: $input) {
      requestId
      status
      progress
      error
      windowStart
      windowEnd
      rowCount
      updatedAt
    }
  }
`;

/** Publishes a session-log query's state to the subscribers of its request. */
export class AppSyncSessionLogPublisher implements SessionLogPublisher {
  private readonly client: SignedGraphQLClient;

  constructor(options: AppSyncClientOptions) {
    this.client = new SignedGraphQLClient(options);
  }

  async publishSessionLogQuery(view: SessionLogQueryView): Promise<void> {
    const input: PublishSessionLogQueryInput = sessionLogQueryToGraphQL(view);
    await this.client.send(PUBLISH_SESSION_LOG_QUERY, { input });
  }
}
