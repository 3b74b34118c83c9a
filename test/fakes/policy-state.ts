import { ConflictError } from '../../lambdas/core/errors';
import type { PolicyStateChanges, StoredPolicyState } from '../../lambdas/core/policies/policy-document-diff';
import type { PolicyStateStore } from '../../lambdas/core/policies/policy-document-import';
import { CallLog } from './calls';
import type { InMemoryPolicyRepository } from './policies';
import type { InMemorySettingsRepository } from './settings';

/**
 * PolicyStateStore over the in-memory policy and settings repositories: `apply` checks every
 * condition before it writes anything, so it writes all of its changes or none (what the
 * DynamoDB adapter does with transactions and, past 100 items, by restoring what it wrote).
 */
export class InMemoryPolicyState implements PolicyStateStore {
  readonly calls = new CallLog<keyof PolicyStateStore>();

  constructor(
    private readonly policies: InMemoryPolicyRepository,
    private readonly settings: InMemorySettingsRepository,
  ) {}

  async read(): Promise<StoredPolicyState> {
    this.calls.hit('read');
    const { eligibility, approvers } = this.policies.snapshot();
    const settings = await this.settings.get();
    return { eligibility, approvers, ...(settings === undefined ? {} : { settings }) };
  }

  async apply(changes: PolicyStateChanges): Promise<void> {
    this.calls.hit('apply');
    const stale = (id: string) =>
      new ConflictError(`The policy ${id} changed since the preview; preview the document again.`);
    for (const { before, after } of changes.eligibility) {
      const id = (after ?? before)?.id ?? '';
      if ((await this.policies.getEligibility(id))?.updatedAt !== before?.updatedAt) throw stale(id);
    }
    for (const { before, after } of changes.approvers) {
      const id = (after ?? before)?.id ?? '';
      if ((await this.policies.getApproverPolicy(id))?.updatedAt !== before?.updatedAt) throw stale(id);
    }
    if (changes.settings !== undefined) {
      const version = (await this.settings.get())?.version ?? 0;
      if (version !== changes.settings.expectedVersion) {
        throw new ConflictError('The settings changed since the preview; preview the document again.');
      }
    }
    for (const { before, after } of changes.eligibility) {
      if (after !== undefined) await this.policies.putEligibility(after, before?.updatedAt);
      else if (before !== undefined) await this.policies.deleteEligibility(before.id);
    }
    for (const { before, after } of changes.approvers) {
      if (after !== undefined) await this.policies.putApproverPolicy(after, before?.updatedAt);
      else if (before !== undefined) await this.policies.deleteApproverPolicy(before.id);
    }
    if (changes.settings !== undefined) {
      await this.settings.put(changes.settings.after, changes.settings.expectedVersion);
    }
  }
}
