/** Placeholder created by the infrastructure work so the stack synthesizes; replaced by the real handler. */
export async function handler(_event: unknown): Promise<never> {
  throw new Error('workflow-tasks is not implemented yet');
}
