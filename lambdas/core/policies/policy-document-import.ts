/**
 * Policy as code (admins and machine clients with the policies scopes): export every policy and
 * the settings as one document, preview what importing a document would change, and import it
 * — all of it or nothing, and only onto the state the preview saw.
 */
import { authorize } from '../authorization';
import { ConflictError, ValidationError } from '../errors';
import type { CoreDeps } from '../ports';
import type { CallerIdentity } from '../types';
import {
  checkPolicyDocument,
  parseDocumentText,
  readPolicyDocument,
  serializePolicyDocument,
  type PolicyDocument,
} from './policy-document';
import {
  planPolicyImport,
  policyImportDigest,
  stateAfter,
  type FieldChange,
  type PolicyChange,
  type PolicyImportCounts,
  type PolicyStateChanges,
  type StoredPolicyState,
} from './policy-document-diff';
import { loadPolicyDirectory, type UserLookups } from './policy-document-names';
import { convertOriginalTeamExport, withOrigin, type SkippedItem } from './policy-document-original';
import { resolvePolicyDocument } from './policy-document-read';
import { policyDocumentFrom } from './policy-document-write';

/**
 * Every policy and the settings record, read and written as one state. `apply` writes all of
 * its changes or none: each write is conditional on the item still being as `before` says (a
 * policy's `updatedAt`, or its absence; the settings' version), and a failure part way leaves
 * what was stored before. A condition that no longer holds is a ConflictError.
 */
export interface PolicyStateStore {
  read(): Promise<StoredPolicyState>;
  apply(changes: PolicyStateChanges): Promise<void>;
}

/** How the text of an import is to be read. */
export type PolicyDocumentFormat = 'TEAM' | 'ORIGINAL_TEAM';

export interface PreviewPolicyImportInput {
  document: string;
  /** Default TEAM: a policy document (JSON or YAML). */
  format?: PolicyDocumentFormat | null;
}

export interface ImportPoliciesInput extends PreviewPolicyImportInput {
  /** The digest of the preview the admin agreed to. */
  expectedDigest: string;
}

/** What importing the document would change, and the digest that lets it be imported. */
export interface PolicyImportPreview {
  digest: string;
  counts: PolicyImportCounts;
  eligibility: PolicyChange[];
  approvers: PolicyChange[];
  settings: FieldChange[];
  /** The document as an export would write it once imported (for ORIGINAL_TEAM: the conversion). */
  document: string;
  /** Items of an original TEAM export that were not converted, with the reason. */
  skipped: SkippedItem[];
}

type Deps = Pick<CoreDeps, 'directory' | 'organization' | 'clock'> & { policyState: PolicyStateStore };

const DIGEST = /^[0-9a-f]{64}$/;

/** The users stored policies name, and (with a document) the users the document names. */
function usersNamed(stored: StoredPolicyState, document?: PolicyDocument): UserLookups {
  const ids = [
    ...stored.eligibility.filter((p) => p.principalType === 'USER').map((p) => p.principalId),
    ...stored.approvers.flatMap((p) => [
      ...p.approverUsers.map((u) => u.id),
      ...(p.nextStages ?? []).flatMap((stage) => stage.approverUsers.map((u) => u.id)),
    ]),
  ];
  const names = [
    ...(document?.eligibility ?? []).filter((e) => e.principal.type === 'USER').map((e) => e.principal.name),
    ...(document?.approvers ?? []).flatMap((e) => [
      ...(e.users ?? []),
      ...(e.nextStages ?? []).flatMap((stage) => stage.users ?? []),
    ]),
  ];
  return { names, ids };
}

interface ReadDocument {
  document: PolicyDocument;
  skipped: SkippedItem[];
  /** Tells a problem with an entry where it came from (the original item, for ORIGINAL_TEAM). */
  locate: (error: ValidationError) => ValidationError;
}

/** The document an import's text holds, converted first when it is an original TEAM export. */
function documentOf(input: PreviewPolicyImportInput): ReadDocument {
  if (typeof input.document !== 'string') throw new ValidationError('The document is required.', 'document');
  if ((input.format ?? 'TEAM') === 'TEAM') {
    return { document: readPolicyDocument(input.document), skipped: [], locate: (error) => error };
  }
  const converted = convertOriginalTeamExport(parseDocumentText(input.document, 'The original TEAM export'));
  return {
    document: checkPolicyDocument(converted.document),
    skipped: converted.skipped,
    locate: (error) => withOrigin(error, converted.origins),
  };
}

/** Reads, resolves and diffs: what both the preview and the import do. */
async function prepare(deps: Deps, caller: CallerIdentity, input: PreviewPolicyImportInput) {
  const format = input.format ?? 'TEAM';
  const { document, skipped, locate } = documentOf(input);
  const stored = await deps.policyState.read();
  const directory = await loadPolicyDirectory(deps, usersNamed(stored, document));
  const located = <T>(step: () => T): T => {
    try {
      return step();
    } catch (error) {
      throw error instanceof ValidationError ? locate(error) : error;
    }
  };
  const desired = located(() => resolvePolicyDocument(document, directory));
  const plan = located(() =>
    planPolicyImport(stored, desired, directory, { now: deps.clock.now(), updatedBy: caller.userName }),
  );
  return {
    plan,
    skipped,
    digest: policyImportDigest(stored, format, input.document),
    after: () => serializePolicyDocument(policyDocumentFrom(stateAfter(stored, plan.writes), directory)),
  };
}

/** The policy document of everything stored, names resolved now (admins; machines: policies.read). */
export function makeExportPolicies(
  deps: Pick<Deps, 'directory' | 'organization' | 'policyState'>,
): (caller: CallerIdentity) => Promise<string> {
  return async (caller) => {
    authorize('exportPolicies', caller);
    const stored = await deps.policyState.read();
    const directory = await loadPolicyDirectory(deps, usersNamed(stored));
    return serializePolicyDocument(policyDocumentFrom(stored, directory));
  };
}

/**
 * What importing a document would change, written nowhere (admins; machines: policies.read).
 * The whole document is checked first: the first bad entry is a ValidationError naming it.
 */
export function makePreviewPolicyImport(
  deps: Deps,
): (caller: CallerIdentity, input: PreviewPolicyImportInput) => Promise<PolicyImportPreview> {
  return async (caller, input) => {
    authorize('previewPolicyImport', caller);
    const { plan, skipped, digest, after } = await prepare(deps, caller, input);
    return {
      digest,
      counts: plan.counts,
      eligibility: plan.eligibility,
      approvers: plan.approvers,
      settings: plan.settings,
      document: after(),
      skipped,
    };
  };
}

/**
 * Imports a document (admins; machines: policies.write): the diff its preview showed, applied
 * all together or not at all. The digest must be the preview's: a ConflictError when anything
 * stored changed since, or when the document is not the one previewed.
 */
export function makeImportPolicies(
  deps: Deps,
): (caller: CallerIdentity, input: ImportPoliciesInput) => Promise<PolicyImportCounts> {
  return async (caller, input) => {
    authorize('importPolicies', caller);
    const expected = typeof input.expectedDigest === 'string' ? input.expectedDigest.trim() : '';
    if (!DIGEST.test(expected)) {
      throw new ValidationError(
        'The expected digest must be the digest a preview of this document returned (64 hex digits).',
        'expectedDigest',
      );
    }
    const { plan, digest } = await prepare(deps, caller, input);
    if (digest !== expected) {
      throw new ConflictError(
        'The policies or settings changed since the preview, or this is not the document previewed; preview it again. Nothing was imported.',
      );
    }
    await deps.policyState.apply(plan.writes);
    return plan.counts;
  };
}
