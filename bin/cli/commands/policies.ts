/**
 * Policies as code: `team policies export` and `team policies import` over the machine API
 * (client credentials: `--client-id`/`--client-secret` or $TEAM_CLIENT_ID/$TEAM_CLIENT_SECRET),
 * or as the signed-in admin when no client is given.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  ExportPoliciesDocument,
  ImportPoliciesDocument,
  PreviewPolicyImportDocument,
  type PreviewPolicyImportQuery,
} from '../../../graphql/generated/operations';
import { machineScope, type MachineScopeName } from '../../../lambdas/contract/machine-api';
import { stringOf, type CommandSpec, type OptionSpec, type OptionValues } from '../args';
import type { Context } from '../context';
import { CliError, EXIT, usageError } from '../errors';
import { GraphqlClient } from '../graphql';
import { clientCredentialsToken, OAuthError } from '../oauth';

const CLIENT_OPTIONS: Record<string, OptionSpec> = {
  'client-id': {
    type: 'string',
    value: 'ID',
    description: 'Machine app client id (default $TEAM_CLIENT_ID). Without one: your own session.',
  },
  'client-secret': {
    type: 'string',
    value: 'SECRET',
    description: 'Its secret (default $TEAM_CLIENT_SECRET; prefer the variable, arguments show in ps).',
  },
};

/** The API as the machine client of the options or environment, else as the signed-in person. */
export function policyApi(
  ctx: Context,
  values: OptionValues,
  scopes: readonly MachineScopeName[],
): GraphqlClient {
  const clientId = stringOf(values, 'client-id') ?? ctx.io.env['TEAM_CLIENT_ID'];
  const clientSecret = stringOf(values, 'client-secret') ?? ctx.io.env['TEAM_CLIENT_SECRET'];
  if (!clientId && !clientSecret) return ctx.api();
  if (!clientId || !clientSecret) {
    throw usageError(
      'A machine client needs both --client-id and --client-secret (or TEAM_CLIENT_ID and TEAM_CLIENT_SECRET).',
    );
  }
  const { config } = ctx.profile();
  let cached: string | undefined;
  return new GraphqlClient({
    url: config.graphqlUrl,
    fetch: ctx.io.fetch,
    async token(force) {
      if (cached && !force) return cached;
      try {
        const response = await clientCredentialsToken(ctx.io.fetch, config, {
          clientId,
          clientSecret,
          scopes: scopes.map(machineScope),
        });
        cached = response.accessToken;
        return cached;
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        const why =
          error.error === 'invalid_client' || error.error === 'unauthorized_client'
            ? 'check the client id and secret'
            : error.error === 'invalid_scope'
              ? `the client needs the scopes ${scopes.map(machineScope).join(' ')}`
              : error.message;
        throw new CliError(
          EXIT.forbidden,
          `The token endpoint refused the client credentials (${error.error}): ${why}.`,
          'ClientCredentialsRefused',
        );
      }
    },
    refused: (message) =>
      new CliError(EXIT.forbidden, `The API refused the machine client's token: ${message}`, 'Unauthorized'),
  });
}

type Preview = PreviewPolicyImportQuery['previewPolicyImport'];
type Change = Preview['eligibility'][number];

function countsLine(
  label: string,
  c: { added: number; changed: number; removed: number; unchanged: number },
) {
  return `${label}: ${c.added} added, ${c.changed} changed, ${c.removed} removed, ${c.unchanged} unchanged`;
}

const MARK = { ADDED: '+', CHANGED: '~', REMOVED: '-' } as const;

function changeLines(change: Change): string[] {
  const fields = change.fields.map((f) => {
    if (change.change === 'ADDED') return `      ${f.field}: ${f.after ?? '(not set)'}`;
    if (change.change === 'REMOVED') return `      ${f.field}: ${f.before ?? '(not set)'}`;
    return `      ${f.field}: ${f.before ?? '(not set)'} → ${f.after ?? '(not set)'}`;
  });
  return [`  ${MARK[change.change]} ${change.description}`, ...fields];
}

/** Whether a preview would change anything. */
export function hasChanges(preview: Preview): boolean {
  const { eligibility, approvers, settingsChanged } = preview.counts;
  return (
    settingsChanged ||
    eligibility.added + eligibility.changed + eligibility.removed > 0 ||
    approvers.added + approvers.changed + approvers.removed > 0
  );
}

/** The diff of a preview, for people. */
export function diffText(preview: Preview): string {
  const lines = [countsLine('Eligibility policies', preview.counts.eligibility)];
  for (const change of preview.eligibility) lines.push(...changeLines(change));
  lines.push(countsLine('Approver policies', preview.counts.approvers));
  for (const change of preview.approvers) lines.push(...changeLines(change));
  if (preview.settings.length === 0) lines.push('Settings: unchanged');
  else {
    lines.push('Settings:');
    for (const f of preview.settings)
      lines.push(`  ~ ${f.field}: ${f.before ?? '(not set)'} → ${f.after ?? '(not set)'}`);
  }
  for (const s of preview.skipped) lines.push(`Skipped ${s.part} ${s.item}: ${s.reason}`);
  return lines.join('\n');
}

/** A preview for `--json`, without the normalized document (which can be large). */
function previewJson(preview: Preview) {
  const { document: _document, ...rest } = preview;
  return rest;
}

export const policiesExport: CommandSpec = {
  name: 'policies export',
  summary: 'Export every eligibility and approver policy and the settings as one policy document.',
  options: {
    out: { type: 'string', value: 'FILE', description: 'Write the document here instead of stdout.' },
    format: { type: 'string', value: 'json|yaml', description: 'Document format (default json).' },
    ...CLIENT_OPTIONS,
  },
  examples: [
    'team policies export --out policies.json',
    'TEAM_CLIENT_ID=… TEAM_CLIENT_SECRET=… team policies export --format yaml --out policies.yaml',
  ],
  async run(ctx, values) {
    const format = stringOf(values, 'format') ?? 'json';
    if (format !== 'json' && format !== 'yaml')
      throw usageError(`--format is json or yaml (got "${format}").`);
    const out = stringOf(values, 'out');
    if (ctx.json && !out && format === 'yaml') {
      throw usageError('--json prints JSON: use --format json, or --out FILE for a YAML file.');
    }
    const api = policyApi(ctx, values, ['policies.read']);
    const { exportPolicies } = await api.run(ExportPoliciesDocument);
    const parsed = JSON.parse(exportPolicies) as { eligibility?: unknown[]; approvers?: unknown[] };
    // yaml is loaded only when used: most commands never need it.
    const text =
      format === 'yaml'
        ? (await import('yaml')).stringify(parsed)
        : exportPolicies.endsWith('\n')
          ? exportPolicies
          : `${exportPolicies}\n`;
    const eligibility = parsed.eligibility?.length ?? 0;
    const approvers = parsed.approvers?.length ?? 0;
    if (!out) {
      // The document itself is the result (with --json too: it is JSON).
      ctx.io.stdout.write(text);
      return;
    }
    writeFileSync(out, text);
    ctx.result(
      { file: out, format, eligibility, approvers },
      () => `Wrote ${eligibility} eligibility and ${approvers} approver policies and the settings to ${out}.`,
    );
  },
};

export const policiesImport: CommandSpec = {
  name: 'policies import',
  summary: 'Import a policy document (JSON or YAML): preview the diff, then apply all of it or nothing.',
  positionals: 'FILE',
  minPositionals: 1,
  maxPositionals: 1,
  options: {
    'dry-run': { type: 'boolean', description: 'Only print what would change.' },
    ...CLIENT_OPTIONS,
  },
  examples: ['team policies import policies.json --dry-run', 'team policies import policies.yaml'],
  async run(ctx, values, positionals) {
    const file = positionals[0] ?? '';
    if (!existsSync(file)) throw new CliError(EXIT.notFound, `${file} does not exist.`, 'NotFound');
    const document = readFileSync(file, 'utf8');
    try {
      // YAML is a superset of JSON: this checks both before the API does.
      (await import('yaml')).parse(document);
    } catch (error) {
      throw usageError(`${file} is neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    const dryRun = values['dry-run'] === true;
    const api = policyApi(ctx, values, dryRun ? ['policies.read'] : ['policies.read', 'policies.write']);
    const { previewPolicyImport: preview } = await api.run(PreviewPolicyImportDocument, {
      input: { document },
    });
    const changes = hasChanges(preview);
    if (dryRun || !changes) {
      ctx.result(
        { file, dryRun, changes, applied: false, ...previewJson(preview) },
        () =>
          `${diffText(preview)}\n${changes ? `Dry run: nothing was changed. Run without --dry-run to apply.` : 'No changes.'}`,
      );
      return;
    }
    const { importPolicies } = await api.run(ImportPoliciesDocument, {
      input: { document, expectedDigest: preview.digest },
    });
    ctx.result(
      { file, dryRun, changes, applied: true, ...previewJson(preview), counts: importPolicies },
      () => `${diffText(preview)}\nImported ${file}.`,
    );
  },
};
