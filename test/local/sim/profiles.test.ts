import {
  CreateAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  ListInstancesCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { seededRandom } from '../../../local/sim/ids';
import {
  loadDemoOrg,
  REALISTIC_IDENTITY_CENTER,
  realisticAssignmentDelayMs,
  sdkClientConfig,
  startSimulators,
  type Simulators,
} from '../../../local/sim';

const org = loadDemoOrg();
const instanceArn = org.identityCenter.instanceArn;
const R = REALISTIC_IDENTITY_CENTER;

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

describe('the realistic Identity Center profile', () => {
  it('draws assignment times around a 3 s median, never outside 1–10 s', () => {
    const random = seededRandom(7);
    const draws = Array.from({ length: 20_000 }, () =>
      realisticAssignmentDelayMs(random, 'CREATE', { firstInAccount: false }),
    ).sort((a, b) => a - b);
    expect(draws[0]).toBeGreaterThanOrEqual(R.minMs);
    expect(draws.at(-1)).toBeLessThanOrEqual(R.maxMs);
    expect(percentile(draws, 50)).toBeGreaterThan(2800);
    expect(percentile(draws, 50)).toBeLessThan(3200);
    // Most assignments end within the first two status checks (4 s and 7 s).
    expect(percentile(draws, 70)).toBeLessThan(4200);
    expect(percentile(draws, 95)).toBeLessThan(7500);
  });

  it('adds 5–15 s when a creation first provisions the permission set to the account, never to a deletion', () => {
    const first = realisticAssignmentDelayMs(seededRandom(3), 'CREATE', { firstInAccount: true });
    const again = realisticAssignmentDelayMs(seededRandom(3), 'CREATE', { firstInAccount: false });
    expect(first - again).toBeGreaterThanOrEqual(5000);
    expect(first - again).toBeLessThanOrEqual(15_000);
    const deletion = realisticAssignmentDelayMs(seededRandom(3), 'DELETE', { firstInAccount: true });
    expect(deletion).toBe(again);
  });
});

describe('the simulators on the realistic profile', () => {
  let sims: Simulators;
  let client: SSOAdminClient;

  beforeAll(async () => {
    sims = await startSimulators({ seed: 11, profile: 'realistic' });
    client = new SSOAdminClient(sdkClientConfig(sims.ssoAdmin.url));
  });
  afterAll(async () => {
    client.destroy();
    await sims.stop();
  });

  it('keeps an assignment in progress for seconds, not 50 ms', async () => {
    const ps = org.permissionSets.find((p) => p.name === 'ReadOnlyAccess');
    const account = org.accounts.find((a) => a.name === 'Sandbox Team A');
    const user = org.users.find((u) => u.userName === 'alice.nguyen@example.com');
    if (!ps || !account || !user) throw new Error('demo org changed');
    const created = await client.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: instanceArn,
        TargetId: account.id,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: ps.arn,
        PrincipalType: 'USER',
        PrincipalId: user.id,
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const status = await client.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: instanceArn,
        AccountAssignmentCreationRequestId: created.AccountAssignmentCreationStatus?.RequestId,
      }),
    );
    expect(status.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
    sims.state.settleAssignmentsNow();
  });

  it('throttles the sso-admin API at 20 calls per second, all callers together', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a full bucket
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, () =>
        client.send(new ListInstancesCommand({})).then(
          () => 'ok',
          (error: unknown) => (error as { name?: string }).name,
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const ok = outcomes.filter((o) => o === 'ok').length;
    // One second's worth at once, then what refills while the calls arrive.
    expect(ok).toBeGreaterThanOrEqual(R.ssoAdminCallsPerSecond);
    expect(ok).toBeLessThanOrEqual(R.ssoAdminCallsPerSecond + Math.ceil(seconds * R.ssoAdminCallsPerSecond));
    const refused = outcomes.filter((o) => o !== 'ok');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((o) => o === 'ThrottlingException')).toBe(true);
  });

  it('refuses a 16th operation in progress with ThrottlingException', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // a full bucket again after the test above
    // Operations that stay in progress, whatever the machine's speed: the cap is what is tested.
    const { drawDelayMs } = sims.ssoAdmin.assignmentKnobs;
    sims.ssoAdmin.assignmentKnobs.drawDelayMs = () => 60_000;
    onTestFinished(() => {
      sims.ssoAdmin.assignmentKnobs.drawDelayMs = drawDelayMs;
    });
    const ps = org.permissionSets.find((p) => p.name === 'ReadOnlyAccess');
    if (!ps) throw new Error('demo org changed');
    const pairs = org.users.flatMap((u) => org.accounts.map((a) => ({ user: u.id, account: a.id })));
    const results: string[] = [];
    for (const pair of pairs.slice(0, R.maxInFlight + 1)) {
      await new Promise((r) => setTimeout(r, 60)); // within the rate limit
      results.push(
        await client
          .send(
            new CreateAccountAssignmentCommand({
              InstanceArn: instanceArn,
              TargetId: pair.account,
              TargetType: 'AWS_ACCOUNT',
              PermissionSetArn: ps.arn,
              PrincipalType: 'USER',
              PrincipalId: pair.user,
            }),
          )
          .then(
            () => 'ok',
            (error: unknown) => (error as { name?: string }).name ?? 'error',
          ),
      );
    }
    expect(results.slice(0, R.maxInFlight)).toEqual(Array.from({ length: R.maxInFlight }, () => 'ok'));
    expect(results[R.maxInFlight]).toBe('ThrottlingException');
    sims.state.settleAssignmentsNow();
  });

  it('goes back to 50 ms and no limits on the fast profile', async () => {
    sims.useProfile('fast');
    expect(sims.ssoAdmin.assignmentKnobs.drawDelayMs).toBeUndefined();
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () => client.send(new ListInstancesCommand({})).then(() => 'ok')),
    );
    expect(outcomes).toHaveLength(40);
  });
});
