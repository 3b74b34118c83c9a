/** The handlers' configuration: the environment the stack sets, read once, failing fast. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireSetting } from '../../lambdas/handlers/config';

describe('configuration', () => {
  const complete: Record<string, string> = {
    AWS_REGION: 'eu-west-1',
    REQUESTS_TABLE: 'r',
    REQUEST_APPROVERS_TABLE: 'ra',
    AUDIT_EVENTS_TABLE: 'ae',
    POLICIES_TABLE: 'p',
    SETTINGS_TABLE: 's',
    GRANTS_TABLE: 'g',
    SESSION_LOG_QUERIES_TABLE: 'slq',
    OU_ACCOUNTS_CACHE_TABLE: 'ou',
    CHAT_TABLE: 'chat',
    SESSION_SUMMARIES_TABLE: 'ss',
    AGGREGATES_TABLE: 'ag',
    IDC_INSTANCE_ARN: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
    IDC_IDENTITY_STORE_ID: 'd-1234567890',
    TEAM_ADMIN_GROUP: 'TEAM-Admins',
    TEAM_AUDITOR_GROUP: 'TEAM-Auditors',
  };

  it('reads the environment the stack sets', () => {
    const config = loadConfig(complete);
    expect(config).toMatchObject({
      region: 'eu-west-1',
      tables: { Requests: 'r', OuAccountsCache: 'ou' },
      identityCenter: { region: 'eu-west-1', identityStoreId: 'd-1234567890' },
      fallbackGroups: { admin: 'TEAM-Admins', auditor: 'TEAM-Auditors' },
      sessionLogProvider: 'none',
    });
    expect(config.graphqlUrl).toBeUndefined();
  });

  it('fails fast naming every missing or malformed variable, never its value', () => {
    const { REQUESTS_TABLE: _r, TEAM_ADMIN_GROUP: _a, ...missing } = complete;
    expect(() => loadConfig(missing)).toThrow(ConfigError);
    expect(() => loadConfig(missing)).toThrow(/REQUESTS_TABLE is not set.*TEAM_ADMIN_GROUP is not set/);
    expect(() => loadConfig({ ...complete, GRAPHQL_URL: 'not a url' })).toThrow(/GRAPHQL_URL is not a URL/);
    expect(() => requireSetting(loadConfig(complete), 'graphqlUrl')).toThrow(/GRAPHQL_URL is not set/);
  });

  it('reads the machine app clients by name, none when unset', () => {
    expect(loadConfig(complete).machineClients).toEqual([]);
    const clients = [{ clientId: '1example23456789', name: 'machine' }];
    expect(loadConfig({ ...complete, TEAM_MACHINE_CLIENTS: JSON.stringify(clients) }).machineClients).toEqual(
      clients,
    );
    for (const bad of ['machine', '{}', '[{"clientId":""}]']) {
      expect(() => loadConfig({ ...complete, TEAM_MACHINE_CLIENTS: bad }), bad).toThrow(
        /TEAM_MACHINE_CLIENTS is not a JSON list of \{ clientId, name \}/,
      );
    }
  });
});
