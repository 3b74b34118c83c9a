/**
 * The process environment the handlers read, set for the local cloud and restored on stop. The
 * AWS SDK picks each service's endpoint from `AWS_ENDPOINT_URL_<SERVICE ID>` by itself, so the
 * handlers' code is the one deployed.
 */

/** `AWS_ENDPOINT_URL_<…>` suffixes of the SDK clients TEAM uses (service id, upper case, `_`). */
export const ENDPOINT_ENV = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  ssoAdmin: 'AWS_ENDPOINT_URL_SSO_ADMIN',
  identityStore: 'AWS_ENDPOINT_URL_IDENTITYSTORE',
  organizations: 'AWS_ENDPOINT_URL_ORGANIZATIONS',
  sfn: 'AWS_ENDPOINT_URL_SFN',
  secretsManager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  cloudTrail: 'AWS_ENDPOINT_URL_CLOUDTRAIL',
  sesv2: 'AWS_ENDPOINT_URL_SESV2',
  sns: 'AWS_ENDPOINT_URL_SNS',
} as const;

/** Variables that would send SDK calls elsewhere or slow them down if left from the shell. */
const CLEARED = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL'];

/** Sets `values` (and clears stray AWS settings) in process.env; returns a function that restores it. */
export function applyEnvironment(values: Record<string, string>): () => void {
  const names = [...new Set([...Object.keys(values), ...CLEARED])];
  const previous = new Map(names.map((name) => [name, process.env[name]]));
  for (const name of CLEARED) delete process.env[name];
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
