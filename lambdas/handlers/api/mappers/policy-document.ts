/** Policy import previews and counts as the schema's `PolicyImportPreview` and `PolicyImportCounts`. */
import type {
  PolicyChangeKind,
  PolicyDocumentChange,
  PolicyFieldChange,
  PolicyImportCounts as GraphQLPolicyImportCounts,
  PolicyImportPreview as GraphQLPolicyImportPreview,
} from '../../../../graphql/generated/schema';
import type {
  ChangeKind,
  FieldChange,
  PolicyChange,
  PolicyImportCounts,
} from '../../../core/policies/policy-document-diff';
import type { PolicyImportPreview } from '../../../core/policies/policy-document-import';

const KINDS: Record<ChangeKind, PolicyChangeKind> = {
  added: 'ADDED',
  changed: 'CHANGED',
  removed: 'REMOVED',
};

function fieldChangeToGraphQL(change: FieldChange): PolicyFieldChange {
  return { field: change.field, before: change.before ?? null, after: change.after ?? null };
}

function policyChangeToGraphQL(change: PolicyChange): PolicyDocumentChange {
  return {
    change: KINDS[change.change],
    id: change.id,
    description: change.description,
    fields: change.fields.map(fieldChangeToGraphQL),
  };
}

/** A GraphQL `PolicyImportCounts`. */
export function policyImportCountsToGraphQL(counts: PolicyImportCounts): GraphQLPolicyImportCounts {
  return {
    eligibility: { ...counts.eligibility },
    approvers: { ...counts.approvers },
    settingsChanged: counts.settingsChanged,
  };
}

/** A GraphQL `PolicyImportPreview`. */
export function policyImportPreviewToGraphQL(preview: PolicyImportPreview): GraphQLPolicyImportPreview {
  return {
    digest: preview.digest,
    counts: policyImportCountsToGraphQL(preview.counts),
    eligibility: preview.eligibility.map(policyChangeToGraphQL),
    approvers: preview.approvers.map(policyChangeToGraphQL),
    settings: preview.settings.map(fieldChangeToGraphQL),
    document: preview.document,
    skipped: preview.skipped.map((s) => ({ part: s.part, item: s.item, reason: s.reason })),
  };
}
