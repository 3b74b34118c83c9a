/**
 * Policies: who may request what (eligibility) and who approves it (approver resolution), and
 * the admins' use cases over both kinds of policy with the names resolved on the server.
 */
export * from './eligibility';
export * from './approvers';
export * from './policy-names';
export * from './eligibility-policy-input';
export * from './eligibility-policies';
export * from './approver-policy-input';
export * from './approver-policies';
export * from './policy-check';
