// The schema of /config.json, the runtime configuration the CDK stack and the local cloud write
// and the SPA reads: part of the contract, free of browser APIs.
// zod/mini: the same validation as zod with a fraction of the bytes on the initial route.
import * as z from 'zod/mini';

const httpUrl = (what: string) => z.url({ protocol: /^https?$/, error: `${what} must be an http(s) URL.` });

const requiredText = (what: string) =>
  z.string({ error: `${what} is required.` }).check(z.trim(), z.minLength(1, `${what} is required.`));

/**
 * Host (and port) of the Cognito hosted UI. The config may give a bare host or a URL; aws-amplify
 * wants the host only and always speaks https to it (the local cloud rewrites that for loopback).
 */
const oauthDomain = z.pipe(
  requiredText('oauthDomain'),
  z.transform((value: string, ctx) => {
    const fail = (message: string) => {
      ctx.issues.push({ code: 'custom', message, input: value });
      return z.NEVER;
    };
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      return fail('oauthDomain must be a host name or an http(s) URL.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return fail('oauthDomain must be a host name or an http(s) URL.');
    }
    if (url.pathname !== '/' || url.search || url.hash || url.username) {
      return fail('oauthDomain must not have a path, query or credentials.');
    }
    return url.host;
  }),
);

/**
 * The loopback port of the `team` command line's sign-in redirect. Cognito matches callback URLs
 * exactly and allows plain http for `localhost` only, so the CLI app client registers this one.
 */
export const CLI_CALLBACK_PORT = 8976;

/** The CLI's sign-in redirect on `port` (registered on the CLI app client for the default port). */
export function cliRedirectUri(port: number = CLI_CALLBACK_PORT): string {
  return `http://localhost:${port}/callback`;
}

/** The runtime configuration the SPA reads from `/config.json` at startup. */
export const runtimeConfigSchema = z.object({
  region: requiredText('region').check(
    z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'region must be an AWS region such as us-east-1.'),
  ),
  userPoolId: requiredText('userPoolId').check(
    z.regex(/^[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+$/, 'userPoolId must look like us-east-1_AbCdEf123.'),
  ),
  userPoolClientId: requiredText('userPoolClientId').check(
    z.regex(/^[\w+]{1,128}$/, 'userPoolClientId must be a Cognito app client id.'),
  ),
  oauthDomain,
  /**
   * The user pool's API endpoint when it is not Cognito's regional one (the local cloud's
   * stand-in); aws-amplify calls it to revoke the refresh token on sign-out and to renew tokens.
   */
  userPoolEndpoint: z.optional(httpUrl('userPoolEndpoint')),
  /**
   * The public app client of the `team` command line (authorization code + PKCE through a
   * loopback redirect); absent in deployments made before the CLI existed.
   */
  cliClientId: z.optional(
    z.string().check(z.regex(/^[\w+]{1,128}$/, 'cliClientId must be a Cognito app client id.')),
  ),
  /** The CLI client's registered callback URL (`http://localhost:<port>/callback`). */
  cliRedirectUri: z.optional(httpUrl('cliRedirectUri')),
  /** Cognito identity provider to send sign-ins to (skips the hosted UI's chooser). */
  identityProvider: z.optional(
    z.string().check(z.regex(/^[\w.:-]{1,40}$/, 'identityProvider must be an identity provider name.')),
  ),
  redirectSignIn: httpUrl('redirectSignIn'),
  redirectSignOut: httpUrl('redirectSignOut'),
  graphqlUrl: httpUrl('graphqlUrl'),
  appUrl: httpUrl('appUrl'),
  idcStartUrl: httpUrl('idcStartUrl'),
  version: requiredText('version').check(z.maxLength(40, 'version must be at most 40 characters.')),
  sessionLogs: z.enum(['cloudtrail-lake', 'athena', 'none'], {
    error: "sessionLogs must be 'cloudtrail-lake', 'athena' or 'none'.",
  }),
  /**
   * The user menu's links, opened in a new tab: documentation, feedback, bug reports, and the
   * release notes of this version. A link left out is not shown.
   */
  links: z.optional(
    z.object({
      documentation: z.optional(httpUrl('links.documentation')),
      feedback: z.optional(httpUrl('links.feedback')),
      bugReport: z.optional(httpUrl('links.bugReport')),
      releaseNotes: z.optional(httpUrl('links.releaseNotes')),
    }),
  ),
});

export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;
