import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The DocumentClient every repository is built with. Optional fields of domain values are
 * `undefined` when absent (an approver without a name, a policy without a ticket number), also
 * inside lists and maps; dropping them keeps them absent in DynamoDB instead of failing the write.
 */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
