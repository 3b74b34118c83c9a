/**
 * One DynamoDB Local (in memory) for the whole run: test files that only need tables create
 * theirs under a prefix of their own in it (`useDynamo`, `useLocalCloud`, the workflow harness,
 * the end-to-end clouds) instead of each starting a JVM. Files that test DynamoDB Local itself or
 * keep data on disk still start their own.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Every file's tables and items at once (the scale tests load tens of thousands): a large heap.
  const local = await startDynamoDbLocal({ inMemory: true, maxHeapMb: 3072 });
  project.provide('sharedDynamoEndpoint', local.endpoint);
  return () => local.stop();
}
