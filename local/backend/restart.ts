/**
 * What lets `npm start` pick up where the last run stopped. DynamoDB Local keeps the requests on
 * disk, but the Identity Center simulator and the Step Functions runner live in memory: the
 * account assignments are written to a file on every change and read back on start, and every
 * request whose workflow was not over gets a new execution (the workflow's steps read the
 * stored status, so a new execution carries on from wherever the request is).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { AccessRequest, ApiPorts } from '../../lambdas/handlers/api/compose';
import type { RouterDeps } from '../../lambdas/handlers/router/compose';
import type { OrgState } from '../sim/state';

const assignmentsFile = z.object({
  assignments: z.array(
    z.object({
      accountId: z.string().regex(/^\d{12}$/),
      permissionSetArn: z.string().min(1),
      principalType: z.enum(['USER', 'GROUP']),
      principalId: z.string().min(1),
    }),
  ),
});

/**
 * Keeps the simulator's account assignments in `file`: replaces the demo organization's with the
 * saved ones when the file exists, then saves after every change. A file that does not parse
 * stops the start (its content is left as it is). Returns a function that stops the saving.
 */
export function persistAssignments(state: OrgState, file: string): () => void {
  if (existsSync(file)) {
    let saved: z.infer<typeof assignmentsFile>;
    try {
      saved = assignmentsFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      const reason = error instanceof z.ZodError ? z.prettifyError(error) : String(error);
      throw new Error(
        `${file} does not hold the local account assignments (${reason}). Fix or remove it, or start with --reset.`,
      );
    }
    for (const a of state.assignments()) state.removeAssignment(a);
    for (const a of saved.assignments) state.addAssignment(a);
  }
  mkdirSync(dirname(file), { recursive: true });
  const save = () => {
    // Written whole and renamed over the old file, so a stop mid-write leaves the last good one.
    writeFileSync(`${file}.tmp`, `${JSON.stringify({ assignments: state.assignments() }, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  };
  save();
  return state.watchAssignments(save);
}

/** Whether a request's workflow still has something to do (wait, grant, revoke or notify). */
export function workflowUnfinished(request: Pick<AccessRequest, 'status' | 'endedAt'>): boolean {
  switch (request.status) {
    case 'pending':
    case 'approved':
    case 'scheduled':
    case 'in progress':
      return true;
    case 'revoked':
      return request.endedAt === undefined;
    default:
      return false;
  }
}

/**
 * Starts the workflow of every request not yet through it, reading all requests page by page
 * (newest first). Returns the ids of the requests resumed.
 */
export async function resumeWorkflows(
  requests: Pick<ApiPorts['requests'], 'listAll'>,
  workflow: Pick<RouterDeps['workflow'], 'start'>,
): Promise<string[]> {
  const resumed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await requests.listAll({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const request of page.items.filter(workflowUnfinished)) {
      await workflow.start(request);
      resumed.push(request.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return resumed;
}
