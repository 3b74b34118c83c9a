import { afterAll, describe, expect, it } from 'vitest';
import { ENV, RECONCILER_FUNCTION_NAME_ENV } from '../../lambdas/contract/env';
import { type FunctionName } from '../../lib/function';
import { type TableKey } from '../../lambdas/contract/tables';
import { logicalIdOf, roleStatements, synthTeam } from './support';

// Written out independently of FUNCTION_ACCESS: what each function must be able to touch.
const TABLES: Record<FunctionName, Partial<Record<TableKey, 'read' | 'write' | 'readwrite'>>> = {
  api: {
    requests: 'readwrite',
    requestApprovers: 'readwrite',
    auditEvents: 'readwrite',
    policies: 'readwrite',
    settings: 'readwrite',
    grants: 'read',
    sessionLogQueries: 'readwrite',
    ouAccountsCache: 'readwrite',
    // The flagged sessions and their reviews.
    sessionSummaries: 'readwrite',
    // The dashboard's counters (read), and a session marked reviewed (counted).
    aggregates: 'readwrite',
  },
  // Counts new requests and people's decisions for the dashboard.
  router: {
    requests: 'readwrite',
    requestApprovers: 'write',
    auditEvents: 'write',
    settings: 'read',
    aggregates: 'readwrite',
  },
  preToken: { settings: 'read' },
  // Records repairs as audit events, and ends requests whose access it revoked past their end
  // (a status change rewrites the approver rows in the same transaction). The daily policy
  // check reads the policies and stores its report beside them.
  reconciler: {
    requests: 'readwrite',
    requestApprovers: 'write',
    auditEvents: 'write',
    grants: 'readwrite',
    settings: 'read',
    policies: 'readwrite',
    // A request it ends makes its session's summary due; a dashboard rebuild reads the flagged.
    sessionSummaries: 'readwrite',
    // An admin's rebuild of the dashboard's counters (every request, index byCreated).
    aggregates: 'readwrite',
  },
  // Follows the api's queries; computes the session summaries that are due.
  sessionLogs: {
    requests: 'read',
    sessionLogQueries: 'readwrite',
    settings: 'read',
    sessionSummaries: 'readwrite',
    // A flagged session is counted for the dashboard.
    aggregates: 'readwrite',
  },
  workflowTasks: {
    requests: 'readwrite',
    requestApprovers: 'write',
    auditEvents: 'write',
    grants: 'readwrite',
    settings: 'read',
    // Approvers' Slack decision messages, to update them when a request is decided.
    chat: 'readwrite',
    // The end of access makes the session's summary due.
    sessionSummaries: 'write',
    // Each step counts the request for the dashboard.
    aggregates: 'readwrite',
  },
  // Decisions from Slack: a status change with its approver rows and audit event; the messages
  // to update and the signatures already accepted.
  slackInteractions: {
    requests: 'readwrite',
    requestApprovers: 'write',
    auditEvents: 'write',
    settings: 'read',
    chat: 'readwrite',
  },
};

const SERVICES: Record<FunctionName, string[]> = {
  api: [
    'logs',
    'xray',
    'dynamodb',
    'identitystore',
    'sso',
    'organizations',
    'secretsmanager',
    'lambda',
    // Starts session-log queries and reads their rows (CloudTrail Lake, or Athena over S3).
    'cloudtrail',
    'athena',
    'glue',
    's3',
    'kms',
    // Resumes a request's waiting workflow right after a person's decision.
    'states',
  ],
  // Starts and resumes the requests' workflows.
  router: ['logs', 'xray', 'dynamodb', 'sqs', 'appsync', 'states'],
  preToken: ['logs', 'xray', 'dynamodb', 'identitystore'],
  // Tells people about repairs (SNS with the topic's key, SES, Slack) and may drive workflows;
  // the policy check reads the directory and the organization.
  reconciler: [
    'logs',
    'xray',
    'dynamodb',
    'sso',
    'sns',
    'kms',
    'ses',
    'secretsmanager',
    'states',
    'identitystore',
    'organizations',
  ],
  // Follows a started query and publishes it; starts and reads the queries of the session
  // summaries (CloudTrail Lake, or Athena over the trail in S3).
  sessionLogs: ['logs', 'xray', 'dynamodb', 'appsync', 'athena', 'cloudtrail', 'glue', 's3', 'kms'],
  // Each workflow step notifies and publishes its own status changes by itself; the first one
  // ends its own wait for the decision.
  workflowTasks: [
    'logs',
    'xray',
    'dynamodb',
    // The members of the escalation groups, and the auditors copied on a break-glass alert.
    'identitystore',
    'sso',
    'sns',
    'kms',
    'ses',
    'secretsmanager',
    'appsync',
    'states',
  ],
  // Finds the person by email, reads the bot token and signing secret, resumes the workflow.
  slackInteractions: ['logs', 'xray', 'dynamodb', 'identitystore', 'secretsmanager', 'states'],
};

/** The functions that send notifications themselves (lambdas/core/notifications). */
const NOTIFYING: FunctionName[] = ['workflowTasks', 'reconciler'];

/** The only actions that may go with the "*" resource (the AWS APIs accept nothing else). */
const STAR_ACTIONS = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'dynamodb:ListStreams',
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListAccounts',
]);

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

describe.each([
  [
    'Athena session logs',
    { sessionLogs: { type: 'athena', trailBucketName: 'org-trail', organizationId: 'o-abcdefghij' } },
  ],
  ['CloudTrail Lake session logs', { sessionLogs: { type: 'cloudtrail-lake', create: {} } }],
] as const)('function permissions (%s)', (_name, overrides) => {
  const synth = synthTeam(overrides);
  afterAll(() => synth.cleanup());
  const { template, stack } = synth;
  const tableIds = Object.fromEntries(
    Object.entries(stack.data.tables).map(([key, table]) => [logicalIdOf(table), key as TableKey]),
  );
  const statementsOf = (fn: FunctionName) => roleStatements(template, logicalIdOf(stack.functions[fn].role));

  it.each(Object.keys(TABLES) as FunctionName[])(
    '%s: "*" only where the API requires it, no wildcard actions',
    (fn) => {
      for (const s of statementsOf(fn)) {
        for (const action of s.actions) expect(action, `${fn} ${action}`).not.toContain('*');
        if (s.resources.includes('*')) {
          for (const action of s.actions)
            expect(STAR_ACTIONS.has(action), `${fn}: ${action} on "*"`).toBe(true);
        }
        expect(s.actions).not.toContain('dynamodb:Scan');
      }
    },
  );

  it.each(Object.keys(TABLES) as FunctionName[])('%s: only its services', (fn) => {
    const used = new Set(statementsOf(fn).flatMap((s) => s.actions.map((a) => a.split(':')[0])));
    for (const service of used) expect(SERVICES[fn], `${fn} uses ${service}`).toContain(service);
  });

  it.each(Object.keys(TABLES) as FunctionName[])(
    '%s: only its tables, writes only where it writes, named indexes only',
    (fn) => {
      const touched = new Map<TableKey, Set<string>>();
      for (const s of statementsOf(fn)) {
        for (const resource of s.resources) {
          const match = /^<([A-Za-z0-9]+)\.(Arn|StreamArn)>(\/index\/(.+))?$/.exec(resource);
          const table = match ? tableIds[match[1]!] : undefined;
          if (!table) continue;
          if (match![4] !== undefined) {
            expect(match![4], `${fn}: index wildcard`).not.toBe('*');
            expect(s.actions).toEqual(['dynamodb:Query']);
          }
          const actions = touched.get(table) ?? new Set<string>();
          s.actions.forEach((a) => actions.add(a));
          touched.set(table, actions);
        }
      }
      expect([...touched.keys()].sort()).toEqual(Object.keys(TABLES[fn]).sort());
      for (const [table, actions] of touched) {
        const expected = TABLES[fn][table]!;
        const writes = WRITE_ACTIONS.some((a) => actions.has(a));
        const reads = actions.has('dynamodb:GetItem');
        expect(writes, `${fn} writes ${table}`).toBe(expected !== 'read');
        expect(reads, `${fn} reads ${table}`).toBe(expected !== 'write');
      }
    },
  );

  it('the api invokes only the session-logs function and, for an admin, the reconciler, and knows their names', () => {
    const invoked = statementsOf('api')
      .filter((s) => s.actions.includes('lambda:InvokeFunction'))
      .flatMap((s) => s.resources);
    const arnOf = (fn: FunctionName) => `<${logicalIdOf(stack.functions[fn].function)}.Arn>`;
    expect(invoked.sort()).toEqual([arnOf('reconciler'), arnOf('sessionLogs')].sort());
    const api = template.toJSON().Resources[logicalIdOf(stack.functions.api.function)] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    expect(api.Properties.Environment.Variables[RECONCILER_FUNCTION_NAME_ENV]).toEqual({
      Ref: logicalIdOf(stack.functions.reconciler.function),
    });
    for (const fn of ['router', 'preToken', 'reconciler', 'sessionLogs', 'workflowTasks'] as const) {
      expect(statementsOf(fn).flatMap((s) => s.actions)).not.toContain('lambda:InvokeFunction');
    }
  });

  it('the workflow functions query only the indexes their code uses', () => {
    const indexes = (fn: FunctionName) =>
      statementsOf(fn)
        .flatMap((s) => s.resources)
        .filter((r) => r.includes('/index/'));
    // The reconciler pages through every grant (and, for a dashboard rebuild, every request);
    // the workflow steps read items by key only.
    expect(indexes('reconciler').sort()).toEqual(
      [
        `<${logicalIdOf(stack.data.tables.grants)}.Arn>/index/byKind`,
        `<${logicalIdOf(stack.data.tables.requests)}.Arn>/index/byCreated`,
        `<${logicalIdOf(stack.data.tables.sessionSummaries)}.Arn>/index/byReviewState`,
      ].sort(),
    );
    expect(indexes('workflowTasks')).toEqual([]);
    expect(indexes('router')).toEqual([]);
  });

  it('only the workflow tasks and the reconciler change account assignments', () => {
    for (const fn of Object.keys(TABLES) as FunctionName[]) {
      const actions = statementsOf(fn).flatMap((s) => s.actions);
      const assigns =
        actions.includes('sso:CreateAccountAssignment') || actions.includes('sso:DeleteAccountAssignment');
      expect(assigns, fn).toBe(fn === 'workflowTasks' || fn === 'reconciler');
    }
  });

  it('Identity Center access stays inside the configured instance and identity store', () => {
    for (const fn of Object.keys(TABLES) as FunctionName[]) {
      for (const s of statementsOf(fn)) {
        if (s.actions.some((a) => a.startsWith('sso:'))) {
          for (const r of s.resources) {
            expect(r).toMatch(
              /(instance\/ssoins-0000000000000000|permissionSet\/ssoins-0000000000000000\/\*|:sso:::account\/\*)$/,
            );
          }
        }
        if (s.actions.some((a) => a.startsWith('identitystore:'))) {
          expect(s.actions.every((a) => /^identitystore:(Describe|Get|List|IsMember)/.test(a))).toBe(true);
          expect(s.resources.join(' ')).toContain(':identitystore::000000000000:identitystore/d-0000000000');
        }
      }
    }
  });

  it('the notification secret: the api writes it (reading it to merge), the notifying functions only read it, nobody else touches it', () => {
    const secret = `<${logicalIdOf(stack.notifications.slackSecret)}>`;
    for (const fn of Object.keys(TABLES) as FunctionName[]) {
      const actions = statementsOf(fn)
        .filter((s) => s.resources.includes(secret))
        .flatMap((s) => s.actions);
      if (fn === 'api')
        expect(actions.sort()).toEqual([
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
        ]);
      else if (NOTIFYING.includes(fn) || fn === 'slackInteractions')
        expect(actions.sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
      else expect(actions).toEqual([]);
    }
  });

  it('publishes to AppSync only through the IAM publish mutations', () => {
    const graphql = (fn: FunctionName) =>
      statementsOf(fn)
        .filter((s) => s.actions.includes('appsync:GraphQL'))
        .flatMap((s) => s.resources);
    for (const fn of ['router', 'workflowTasks'] as const) {
      expect(graphql(fn), fn).toHaveLength(1);
      expect(graphql(fn)[0]).toMatch(/\/types\/Mutation\/fields\/publishRequestChange$/);
    }
    expect(graphql('sessionLogs')).toHaveLength(1);
    expect(graphql('sessionLogs')[0]).toMatch(/\/types\/Mutation\/fields\/publishSessionLogQuery$/);
  });

  it.each(NOTIFYING)('%s: SNS on the TEAM topic (and its key), SES from the configured sender only', (fn) => {
    const statements = statementsOf(fn);
    expect(statements.find((s) => s.actions.includes('sns:Publish'))?.resources).toEqual([
      `<${logicalIdOf(stack.notifications.topic)}>`,
    ]);
    const kms = statements.filter((s) => s.actions.some((a) => a.startsWith('kms:')));
    expect(kms.flatMap((s) => s.resources)).toEqual([`<${logicalIdOf(stack.notifications.topicKey)}.Arn>`]);
    const ses = statements.find((s) => s.actions.includes('ses:SendEmail'))?.resources ?? [];
    expect(ses).toHaveLength(2);
    expect(ses.every((r) => /:identity\/(team-demo@example\.com|example\.com)$/.test(r))).toBe(true);
  });

  it.each(NOTIFYING)('%s: receives the notification settings and the deep-link base', (fn) => {
    const variables = (
      template.toJSON().Resources as Record<
        string,
        { Properties: { Environment: { Variables: Record<string, unknown> } } }
      >
    )[logicalIdOf(stack.functions[fn].function)]!.Properties.Environment.Variables;
    expect(variables[ENV.notificationTopicArn]).toEqual({ Ref: logicalIdOf(stack.notifications.topic) });
    expect(variables[ENV.slackSecretArn]).toEqual({ Ref: logicalIdOf(stack.notifications.slackSecret) });
    expect(variables[ENV.sesSourceEmail]).toBe('team-demo@example.com');
    expect(variables).toHaveProperty(ENV.sesIdentityArn);
    expect(variables).toHaveProperty(ENV.appUrl);
  });

  it('only the notifying functions may publish, send email or read the Slack token', () => {
    for (const fn of Object.keys(TABLES) as FunctionName[]) {
      const actions = statementsOf(fn).flatMap((s) => s.actions);
      const notifies = actions.some((a) => a === 'sns:Publish' || a === 'ses:SendEmail');
      expect(notifies, fn).toBe(NOTIFYING.includes(fn));
    }
  });

  it('session logs: the provider resources, nothing broader', () => {
    // The api queries for the session-logs page, the session-logs function for the summaries.
    for (const fn of ['api', 'sessionLogs'] as const) {
      const text = JSON.stringify(statementsOf(fn));
      if (stack.auditLogs.provider === 'athena') {
        expect(text, fn).toContain('workgroup/team-demo');
        expect(text, fn).toContain('arn:<AWS::Partition>:s3:::org-trail/AWSLogs/o-abcdefghij/*');
        expect(text, fn).not.toContain('cloudtrail:');
        expect(
          statementsOf(fn).filter((s) => s.actions.some((a) => a.startsWith('athena:'))),
          fn,
        ).toEqual([
          {
            actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
            resources: [expect.stringMatching(/workgroup\/team-demo$/)],
          },
        ]);
      } else {
        const eds = `<${logicalIdOf(stack.auditLogs.node.findChild('EventDataStore'))}.EventDataStoreArn>`;
        expect(text, fn).not.toContain('athena:');
        expect(
          statementsOf(fn).filter((s) => s.actions.some((a) => a.startsWith('cloudtrail:'))),
          fn,
        ).toEqual([
          {
            actions: ['cloudtrail:StartQuery', 'cloudtrail:DescribeQuery', 'cloudtrail:GetQueryResults'],
            resources: [eds],
          },
        ]);
      }
    }
  });
});
