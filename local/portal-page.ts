/**
 * The stand-in for the AWS access portal (`/local/portal` on the web host): which permission set
 * each person (or group) holds in which account in the local IAM Identity Center right now, by
 * name, with the ids beside them — what a requester would find in the real portal once access is
 * granted, and what disappears when it ends.
 */
import type { Assignment } from './sim';

/** Names the portal shows instead of ids. */
export interface PortalDirectory {
  users: readonly { id: string; userName: string; displayName?: string; email?: string }[];
  groups: readonly { id: string; displayName: string }[];
  accounts: readonly { id: string; name: string }[];
  permissionSets: readonly { arn: string; name: string; description?: string }[];
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; background: #f2f3f3; color: #000716; font: 14px/20px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.top { display: flex; align-items: center; height: 44px; padding: 0 24px; background: #0f1b2a; color: #fff; }
.top b { letter-spacing: .02em; }
.top span { color: #d1d5db; margin-left: 8px; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; line-height: 30px; margin: 0 0 4px; }
p.lead { color: #5f6b7a; margin: 0 0 16px; max-width: 70ch; }
.panel { background: #fff; border-radius: 16px; box-shadow: 0 1px 1px rgba(0,7,22,.12), 0 1px 4px rgba(0,7,22,.12); overflow: hidden; }
.panel h2 { font-size: 18px; margin: 0; padding: 16px 20px; border-bottom: 1px solid #e9ebed; }
.panel h2 span { color: #5f6b7a; font-weight: 400; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 10px 20px; border-bottom: 1px solid #e9ebed; }
th { font-weight: 700; color: #414d5c; background: #fafafa; }
tr:last-child td { border-bottom: 0; }
.sub { display: block; color: #5f6b7a; font-size: 12px; }
.tag { display: inline-block; font-size: 12px; line-height: 18px; padding: 0 8px; border-radius: 10px; background: #f0f1f5; color: #414d5c; margin-right: 6px; }
.empty { padding: 24px 20px; color: #5f6b7a; }
`;

/** The page for the assignments that exist now, sorted by who, then account, then permission set. */
export function portalPage(assignments: readonly Assignment[], directory: PortalDirectory): string {
  const users = new Map(directory.users.map((u) => [u.id, u]));
  const groups = new Map(directory.groups.map((g) => [g.id, g.displayName]));
  const accounts = new Map(directory.accounts.map((a) => [a.id, a.name]));
  const sets = new Map(directory.permissionSets.map((p) => [p.arn, p]));

  const rows = assignments
    .map((a) => {
      const user = a.principalType === 'USER' ? users.get(a.principalId) : undefined;
      const who =
        a.principalType === 'GROUP'
          ? { name: groups.get(a.principalId) ?? 'Unknown group', detail: `Group · ${a.principalId}` }
          : {
              name: user?.displayName ?? user?.userName ?? 'Unknown user',
              detail: user?.email ?? a.principalId,
            };
      const set = sets.get(a.permissionSetArn);
      return {
        who,
        account: { name: accounts.get(a.accountId) ?? 'Unknown account', id: a.accountId },
        set: { name: set?.name ?? 'Unknown permission set', detail: set?.description ?? a.permissionSetArn },
      };
    })
    .sort(
      (x, y) =>
        x.who.name.localeCompare(y.who.name) ||
        x.account.name.localeCompare(y.account.name) ||
        x.set.name.localeCompare(y.set.name),
    );

  const body =
    rows.length === 0
      ? '<p class="empty">Nobody holds a permission set through an account assignment right now.</p>'
      : `<table><thead><tr><th scope="col">Who</th><th scope="col">Account</th><th scope="col">Permission set</th></tr></thead><tbody>${rows
          .map(
            (r) =>
              `<tr><td>${escapeHtml(r.who.name)}<span class="sub">${escapeHtml(r.who.detail)}</span></td>` +
              `<td>${escapeHtml(r.account.name)}<span class="sub">${escapeHtml(r.account.id)}</span></td>` +
              `<td><span class="tag">${escapeHtml(r.set.name)}</span><span class="sub">${escapeHtml(r.set.detail)}</span></td></tr>`,
          )
          .join('')}</tbody></table>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Access portal · TEAM local cloud</title>
<style>${STYLE}</style>
</head>
<body>
<div class="top"><b>TEAM</b><span>Local cloud · Access portal</span></div>
<main>
  <h1>Access portal</h1>
  <p class="lead">The account assignments in the local IAM Identity Center right now. In AWS, people open their accounts from the access portal with these permission sets; TEAM adds an assignment when access starts and removes it when access ends. Reload to see changes.</p>
  <section class="panel" aria-labelledby="held">
    <h2 id="held">Assignments <span>(${rows.length})</span></h2>
    ${body}
  </section>
</main>
</body>
</html>`;
}
