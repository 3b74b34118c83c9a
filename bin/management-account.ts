/**
 * Run once in the organization management account (credentials of that account):
 *
 *   npx tsx bin/management-account.ts --team-account 111122223333 [--services sso,cloudtrail,account] [--dry-run]
 *
 * Registers the TEAM account as delegated administrator of IAM Identity Center, CloudTrail and
 * Account Management. Safe to re-run. Use AWS_PROFILE / AWS_REGION to pick the credentials.
 */
import { parseArgs } from 'node:util';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DELEGATED_SERVICES,
  registerDelegatedAdmins,
  type DelegatedService,
} from '../lib/management/delegated-admin';

const usage =
  'usage: npx tsx bin/management-account.ts --team-account <12-digit id> [--services sso,cloudtrail,account] [--region <region>] [--dry-run]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'team-account': { type: 'string' },
      services: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values['team-account']) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  const known = Object.keys(DELEGATED_SERVICES);
  const services = (values.services ?? known.join(',')).split(',').map((s) => s.trim());
  const unknown = services.filter((s) => !known.includes(s));
  if (unknown.length) {
    console.error(`unknown service(s): ${unknown.join(', ')} (known: ${known.join(', ')})`);
    process.exit(2);
  }
  // Organizations is a global service served from us-east-1; CloudTrail is regional.
  const region = values.region ?? process.env.AWS_REGION ?? 'us-east-1';
  await registerDelegatedAdmins({
    organizations: new OrganizationsClient({ region: 'us-east-1' }),
    cloudtrail: new CloudTrailClient({ region }),
    teamAccountId: values['team-account'],
    services: services as DelegatedService[],
    dryRun: values['dry-run'],
  });
}

main().catch((err: unknown) => {
  console.error(`failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  process.exit(1);
});
