/**
 * The RealtimePublisher port over AppSync: the IAM-only `publishRequestChange` mutation, once per
 * change whatever the number of channels (AppSync's enhanced filter on `onRequestChange` delivers
 * it to each channel's subscribers). The mutation selects every field of the event because
 * AppSync pushes to subscribers only the fields the publisher selected, and filters on them.
 */
import type { PublishRequestChangeInput } from '../../../graphql/generated/schema';
import type { RealtimePublisher, RequestChangeEvent } from '../../core/ports';
import { statusToGraphQL } from './graphql-values';
import { SignedGraphQLClient, type AppSyncClientOptions } from './signed-graphql';

export const PUBLISH_REQUEST_CHANGE = /* GraphQL */ `
  mutation PublishRequestChange($input: PublishRequestChangeInput!) {
    publishRequestChange(input: $input) {
      channels
      requestId
      status
      updatedAt
    }
  }
`;

/** Publishes request changes to the API's subscribers. */
export class AppSyncRealtimePublisher implements RealtimePublisher {
  private readonly client: SignedGraphQLClient;

  constructor(options: AppSyncClientOptions) {
    this.client = new SignedGraphQLClient(options);
  }

  async publishRequestChange(event: RequestChangeEvent): Promise<void> {
    const input: PublishRequestChangeInput = {
      channels: [...event.channels],
      requestId: event.requestId,
      status: statusToGraphQL(event.status),
      updatedAt: event.updatedAt,
    };
    await this.client.send(PUBLISH_REQUEST_CHANGE, { input });
  }
}
