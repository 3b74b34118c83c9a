/**
 * A model of approve → CreateAccountAssignment in AWS, warm and cold, hop by hop, for TEAM and
 * for the original (baseline §4). Local runs cannot show AWS's own hops (AppSync, Lambda's
 * invoke path, Step Functions, DynamoDB over the network), so each hop carries a figure and
 * where it comes from: `measured` (this machine's benchmarks), `docs` (a published AWS figure)
 * or `model` (an assumption, stated). docs/performance.md prints the table.
 */

export type HopSource = 'measured' | 'docs' | 'model';

export interface Hop {
  hop: string;
  warmMs: number;
  /** Extra time when the function behind the hop starts cold. */
  coldExtraMs?: number;
  source: HopSource;
  basis: string;
}

/** In-region AWS API round trip from Lambda (DynamoDB GetItem/UpdateItem, SendTaskSuccess, sso-admin). */
const DYNAMODB_MS = 8;
const API_MS = 30;
/** A Lambda invoke from AppSync or Step Functions to a warm function, before the handler runs. */
const INVOKE_MS = 25;
/** Node.js cold start of a bundled TEAM function at 512 MB (INIT; the bill's 0.8 s). */
const COLD_MS = 800;

/** TEAM: the api resumes the waiting workflow itself; two tasks run before the create call. */
export const TEAM_HOPS: readonly Hop[] = [
  {
    hop: 'AppSync receives approveRequest, invokes the api function',
    warmMs: 30 + INVOKE_MS,
    coldExtraMs: COLD_MS,
    source: 'model',
    basis: 'AppSync Lambda resolver overhead ~30 ms plus a warm invoke',
  },
  {
    hop: 'api: conditional UpdateItem, GetItem of the stored task token, SendTaskSuccess',
    warmMs: 2 * DYNAMODB_MS + API_MS,
    source: 'model',
    basis: 'single-digit-ms DynamoDB reads and writes (DynamoDB docs), one Step Functions API call',
  },
  {
    hop: 'Step Functions resumes the wait, enters Advance, invokes workflow-tasks',
    warmMs: 50 + INVOKE_MS,
    coldExtraMs: COLD_MS,
    source: 'model',
    basis: 'Standard workflow state transition tens of ms; warm invoke',
  },
  {
    hop: 'Advance: write scheduled (one conditional UpdateItem), notifications sent alongside',
    warmMs: DYNAMODB_MS + 10,
    source: 'measured',
    basis: 'handler work measured by bench lifecycle; one DynamoDB write on the path',
  },
  {
    hop: 'Step Functions: Route → Grant, invokes workflow-tasks',
    warmMs: 2 * 25 + INVOKE_MS,
    source: 'model',
    basis: 'two transitions (Choice, Task) and a warm invoke',
  },
  {
    hop: 'Grant: GetItem of the grant record, ListAccountAssignments (standing access), PutItem',
    warmMs: 2 * DYNAMODB_MS + API_MS + 50,
    source: 'model',
    basis: 'ListAccountAssignments ~80 ms (sso-admin round trip, one page)',
  },
];

/** The original (baseline §4): two stream hops, two serial router runs, a nested Schedule machine. */
export const ORIGINAL_HOPS: readonly Hop[] = [
  { hop: 'SPA getRequests pre-check', warmMs: 100, source: 'docs', basis: 'baseline §4 hop 1 (0.05–0.15 s)' },
  {
    hop: 'SPA updateRequests (approved)',
    warmMs: 100,
    source: 'docs',
    basis: 'baseline §4 hop 2 (0.05–0.15 s)',
  },
  {
    hop: 'DynamoDB Stream → router (ESM polls ~4×/s)',
    warmMs: 300,
    source: 'docs',
    basis: 'baseline §4 hop 3 (0.1–0.5 s); Lambda polls stream shards four times a second',
  },
  {
    hop: 'router #1: Cognito ListUsers, AppSync write',
    warmMs: 450,
    coldExtraMs: 2000,
    source: 'docs',
    basis: 'baseline §4 hop 4 (warm 0.3–0.6 s, cold 1.5–3 s)',
  },
  { hop: 'stream again', warmMs: 300, source: 'docs', basis: 'baseline §4 hop 5 (0.1–0.5 s)' },
  {
    hop: 'router #2: 6 + G sequential calls, StartExecution(Schedule)',
    warmMs: 1000,
    coldExtraMs: 2000,
    source: 'docs',
    basis: 'baseline §4 hop 5 (0.5–1.5 s)',
  },
  {
    hop: 'Schedule machine: teamStatus, e-mail, Wait, GetItem, StartExecution(Grant)',
    warmMs: 700,
    coldExtraMs: 1000,
    source: 'docs',
    basis: 'baseline §4 hop 6 (two Lambda tasks, six transitions)',
  },
  {
    hop: 'Grant machine enters createAccountAssignment',
    warmMs: 50,
    source: 'docs',
    basis: 'baseline §4 hop 7',
  },
];

export function totals(hops: readonly Hop[]): { warmMs: number; coldMs: number } {
  const warmMs = hops.reduce((n, h) => n + h.warmMs, 0);
  return { warmMs, coldMs: warmMs + hops.reduce((n, h) => n + (h.coldExtraMs ?? 0), 0) };
}
