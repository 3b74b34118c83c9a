export {
  startDynamoDbLocal,
  freePort,
  type DynamoDbLocalOptions,
  type RunningDynamoDbLocal,
} from './dynamodb-local';
export { createTables, tableInputsFromTemplate, type TableInput, type CreateTablesResult } from './tables';
export { TABLE_IDS, tableInputOf, tableInputsFromSchema, tableNamesWithPrefix } from './schema-inputs';
export {
  startStreamPoller,
  type StreamBatchHandler,
  type StreamPoller,
  type StreamPollerOptions,
  type StreamPollerStats,
} from './stream-poller';
