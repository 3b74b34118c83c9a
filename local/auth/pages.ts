import type { DemoIdentity } from './tokens';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const styles = `
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; background: #f2f3f3; color: #16191f; }
  main { max-width: 40rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 8px;
         box-shadow: 0 1px 4px rgba(0,0,0,.2); }
  h1 { font-size: 1.5rem; margin-top: 0; }
  .note { color: #414750; }
  ul { list-style: none; padding: 0; margin: 1.5rem 0 0; display: grid; gap: .75rem; }
  button { width: 100%; text-align: left; padding: .9rem 1rem; border: 2px solid #0972d3; border-radius: 8px;
           background: #fff; color: #16191f; font: inherit; cursor: pointer; display: grid; gap: .2rem; }
  button:hover { background: #f0f8ff; }
  button:focus-visible { outline: 3px solid #0972d3; outline-offset: 2px; }
  .name { font-weight: 700; color: #033160; }
  .email, .groups { font-size: .9rem; color: #414750; }
  .error { border-left: 4px solid #d91515; padding-left: 1rem; }
  @media (prefers-color-scheme: dark) {
    body { background: #0f1b2a; color: #e9ebed; }
    main, button { background: #192534; color: #e9ebed; }
    button:hover { background: #0f2a44; }
    .name { color: #89bdee; }
    .note, .email, .groups { color: #c6c6cd; }
    button { border-color: #539fe5; }
  }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** The identity picker: one button per demo identity, posting the authorize request back. */
export function pickerPage(users: readonly DemoIdentity[], params: Record<string, string>): string {
  const hidden = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  const items = users
    .map((u) => {
      const groups = u.groups && u.groups.length > 0 ? u.groups.join(', ') : 'none';
      return `<li><button type="submit" name="user" value="${escapeHtml(u.userName)}">
<span class="name">${escapeHtml(u.displayName ?? u.userName)}</span>
<span class="email">${escapeHtml(u.email)}</span>
<span class="groups">Groups: ${escapeHtml(groups)}</span>
</button></li>`;
    })
    .join('\n');
  return layout(
    'Sign in — TEAM (local)',
    `<h1>Sign in to TEAM</h1>
<p class="note">Local sign-in stand-in for IAM Identity Center. Choose who you want to be; there is no password.</p>
<form method="post" action="/login">
${hidden}
<ul aria-label="Demo identities">
${items}
</ul>
</form>`,
  );
}

/** A plain error page, for requests that cannot be redirected back to the app. */
export function errorPage(title: string, message: string): string {
  return layout(
    `${title} — TEAM (local)`,
    `<h1>${escapeHtml(title)}</h1>
<div class="error" role="alert"><p>${escapeHtml(message)}</p></div>`,
  );
}

/** A short page at `/` that lists the endpoints. */
export function indexPage(issuer: string): string {
  return layout(
    'Sign-in stand-in — TEAM (local)',
    `<h1>Sign-in stand-in</h1>
<p class="note">Serves the Cognito hosted-UI endpoints to the local TEAM app. Issuer: <code>${escapeHtml(issuer)}</code>.</p>
<ul>
<li><code>/oauth2/authorize</code>, <code>/oauth2/token</code>, <code>/oauth2/userInfo</code>, <code>/logout</code></li>
<li><code>/.well-known/openid-configuration</code>, <code>/.well-known/jwks.json</code></li>
</ul>`,
  );
}
