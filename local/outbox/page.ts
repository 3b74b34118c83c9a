/**
 * The outbox page of the local cloud (`/local/outbox` on the web host): every notification the
 * local cloud sent, live over the outbox's event stream, shown as people would see it — Slack
 * messages from their Block Kit (with working buttons and modals, through the interaction
 * simulator), Teams cards, emails and SNS messages. The page's script (page-client.js) builds
 * every node with textContent: nothing a message holds is ever parsed as HTML.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

let clientScript: string | undefined;

/** The page's script, read once; `</script` cannot end the inline element early. */
function script(): string {
  clientScript ??= readFileSync(new URL('./page-client.js', import.meta.url), 'utf8').replace(
    /<\/(script)/gi,
    '<\\/$1',
  );
  return clientScript;
}

const attribute = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
:root {
  color-scheme: light;
  --text: #000716;
  --muted: #5f6b7a;
  --line: #e9ebed;
  --border: #b4b4bb;
  --page: #f2f3f3;
  --panel: #ffffff;
  --link: #0a66c7;
  --primary: #0972d3;
  --primary-hover: #033160;
  --danger: #d91515;
  --good: #037f0c;
  --warning: #8d6605;
  --focus: #0972d3;
}
* { box-sizing: border-box; }
body {
  margin: 0;
  background: var(--page);
  color: var(--text);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px;
  line-height: 20px;
}
a { color: var(--link); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; border-radius: 4px; }
.top {
  display: flex; align-items: center; gap: 16px;
  height: 44px; padding: 0 24px; background: #0f1b2a; color: #fff;
}
.top .brand { font-weight: 700; letter-spacing: .02em; }
.top .brand span { font-weight: 400; color: #d1d5db; margin-left: 8px; }
.conn { margin-left: auto; font-size: 12px; display: flex; align-items: center; gap: 6px; }
.conn::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: #8d99a8; }
.conn[data-state="live"]::before { background: #29ad32; }
.conn[data-state="down"]::before { background: #ff5d64; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 24px 64px; }
h1 { font-size: 24px; line-height: 30px; margin: 0 0 4px; font-weight: 700; }
.intro p { margin: 0 0 16px; color: var(--muted); max-width: 80ch; }
.toolbar {
  display: flex; flex-wrap: wrap; align-items: center; gap: 12px 20px;
  border-bottom: 1px solid var(--border); margin-bottom: 16px;
}
[role="tablist"] { display: flex; gap: 4px; }
[role="tab"] {
  appearance: none; border: 0; background: none; cursor: pointer; font: inherit; font-weight: 700;
  color: var(--muted); padding: 10px 14px 8px; border-bottom: 4px solid transparent;
}
[role="tab"]:hover { color: var(--text); }
[role="tab"][aria-selected="true"] { color: var(--link); border-bottom-color: var(--link); }
[role="tab"] .count {
  display: inline-block; min-width: 20px; margin-left: 6px; padding: 0 6px; border-radius: 10px;
  background: var(--line); color: var(--text); font-size: 12px; font-weight: 400; text-align: center;
}
.toolbar .tools { margin-left: auto; display: flex; align-items: center; gap: 12px; padding-bottom: 6px; }
.toolbar label { color: var(--muted); display: flex; gap: 6px; align-items: center; }
select {
  font: inherit; color: var(--text); padding: 4px 8px; border: 1px solid var(--border);
  border-radius: 8px; background: #fff;
}
.btn {
  display: inline-flex; align-items: center; gap: 6px; font: inherit; font-weight: 700;
  border: 2px solid var(--primary); color: var(--primary); background: #fff; cursor: pointer;
  border-radius: 20px; padding: 4px 18px; text-decoration: none; line-height: 20px;
}
.btn:hover { background: #f0fbff; color: var(--primary-hover); border-color: var(--primary-hover); }
.btn.primary { background: var(--primary); color: #fff; }
.btn.primary:hover { background: var(--primary-hover); }
.btn.danger { border-color: var(--danger); color: var(--danger); }
.btn.danger:hover { background: #fff7f7; }
.btn[disabled], .btn[aria-disabled="true"] { opacity: .55; cursor: default; }
.btn .ext { font-size: 11px; }
.notice {
  border-left: 4px solid var(--danger); background: #fff7f7; padding: 10px 14px; margin-bottom: 16px;
  border-radius: 4px;
}
.notice.info { border-left-color: var(--primary); background: #f2f8fd; }
.empty { color: var(--muted); text-align: center; padding: 48px 0; }
.msg {
  background: var(--panel); border-radius: 16px; margin-bottom: 16px;
  box-shadow: 0 1px 1px #001c244d, 1px 1px 1px #001c2426, -1px 1px 1px #001c2426;
  overflow-wrap: anywhere;
}
.msg > header {
  display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px;
  padding: 12px 20px; border-bottom: 1px solid var(--line);
}
.msg > header h2 { font-size: 14px; line-height: 20px; margin: 0; font-weight: 700; }
.msg > header time { color: var(--muted); font-size: 12px; margin-left: auto; }
.badge {
  font-size: 12px; line-height: 18px; padding: 0 8px; border-radius: 4px; font-weight: 700;
  background: var(--line); color: var(--text);
}
.badge.slack { background: #f4ede4; color: #4a154b; }
.badge.teams { background: #e8ebfa; color: #464eb8; }
.badge.email { background: #e6f2fb; color: #033160; }
.badge.sns { background: #fff3e0; color: #8d4a05; }
.badge.edited { background: #fff; border: 1px solid var(--border); color: var(--muted); font-weight: 400; }
.msg .body { padding: 14px 20px 18px; }
.meta { color: var(--muted); font-size: 12px; margin: 0 0 8px; }
.from { display: flex; align-items: baseline; gap: 8px; margin-bottom: 6px; }
.from b { font-size: 15px; }
.app { font-size: 10px; font-weight: 700; color: var(--muted); background: var(--line); padding: 0 4px; border-radius: 3px; }
.mrkdwn, .plain { white-space: pre-wrap; }
.slack-header { font-size: 18px; line-height: 26px; margin: 4px 0 8px; font-weight: 700; }
.slack-section { margin: 6px 0; }
.slack-fields { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px 24px; margin: 8px 0; }
.slack-context { display: flex; flex-wrap: wrap; gap: 4px 10px; color: var(--muted); font-size: 12px; margin: 6px 0; }
.slack-actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0 4px; }
.slack-divider { border: 0; border-top: 1px solid var(--line); margin: 12px 0; }
.slack-image { color: var(--muted); font-style: italic; }
.unsupported { color: var(--muted); font-size: 12px; font-style: italic; }
.mention { background: #fef6d3; color: #1264a3; border-radius: 3px; padding: 0 2px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px;
  background: #f4f4f4; border: 1px solid var(--line); border-radius: 3px; padding: 0 3px; color: #c01343; }
.ac { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; max-width: 720px; }
.ac-text { margin: 4px 0; }
.ac-text.nowrap { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ac-text.bolder { font-weight: 700; }
.ac-text.lighter { font-weight: 300; }
.ac-text.small { font-size: 12px; }
.ac-text.medium { font-size: 16px; line-height: 22px; }
.ac-text.large { font-size: 20px; line-height: 28px; }
.ac-text.extraLarge { font-size: 24px; line-height: 32px; }
.ac-text.subtle { color: var(--muted); }
.ac-text.accent { color: var(--link); }
.ac-text.good { color: var(--good); }
.ac-text.warning { color: var(--warning); }
.ac-text.attention { color: var(--danger); }
.ac-text.light { color: var(--muted); }
.ac-facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
.ac-facts dt { font-weight: 700; }
.ac-facts dd { margin: 0; }
.ac-columns { display: flex; gap: 16px; margin: 6px 0; }
.ac-column { min-width: 0; }
.ac-container { margin: 6px 0; }
.ac-container.emphasis { background: #f4f4f4; padding: 8px 12px; border-radius: 6px; }
.ac-container.good { background: #f2fcf3; padding: 8px 12px; border-radius: 6px; }
.ac-container.attention { background: #fff7f7; padding: 8px 12px; border-radius: 6px; }
.ac-container.warning { background: #fffce9; padding: 8px 12px; border-radius: 6px; }
.ac-container.accent { background: #f2f8fd; padding: 8px 12px; border-radius: 6px; }
.ac-actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 12px; }
.email-subject { font-size: 18px; line-height: 26px; margin: 0 0 8px; font-weight: 700; }
.headers { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 12px; color: var(--muted); }
.headers dt { font-weight: 700; }
.headers dd { margin: 0; }
.text-body { white-space: pre-wrap; margin: 0; font-family: inherit; }
pre.json { white-space: pre-wrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px;
  background: #fafafa; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin: 0; }
details { margin-top: 10px; }
summary { cursor: pointer; color: var(--link); }
iframe.html-body { width: 100%; min-height: 240px; border: 1px solid var(--line); border-radius: 8px; margin-top: 8px; background: #fff; }
dialog {
  width: min(620px, 94vw); max-height: 90vh; padding: 0; border: 0; border-radius: 16px;
  box-shadow: 0 4px 20px 1px #0007161a; color: var(--text);
}
dialog::backdrop { background: rgba(35, 43, 55, .7); }
dialog form { display: flex; flex-direction: column; max-height: 90vh; margin: 0; }
dialog header { display: flex; align-items: center; gap: 12px; padding: 16px 20px; border-bottom: 1px solid var(--line); }
dialog h2 { font-size: 18px; line-height: 24px; margin: 0; flex: 1; }
.icon-btn { appearance: none; border: 0; background: none; font-size: 22px; line-height: 1; cursor: pointer; color: var(--muted); padding: 4px 8px; border-radius: 8px; }
.icon-btn:hover { color: var(--text); background: var(--line); }
.modal-body { padding: 16px 20px; overflow: auto; }
dialog footer { display: flex; justify-content: flex-end; gap: 8px; padding: 12px 20px 16px; border-top: 1px solid var(--line); }
.field { margin: 12px 0; }
.field label { display: block; font-weight: 700; margin-bottom: 4px; }
.field .optional { font-weight: 400; color: var(--muted); font-style: italic; }
.field .hint { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
.field textarea, .field input {
  width: 100%; font: inherit; color: var(--text); padding: 6px 10px;
  border: 2px solid #8c8c94; border-radius: 8px; background: #fff;
}
.field textarea { min-height: 96px; resize: vertical; }
.field [aria-invalid="true"] { border-color: var(--danger); }
.field-error { color: var(--danger); font-size: 12px; margin: 4px 0 0; font-weight: 700; }
.modal-error { color: var(--danger); margin: 0 20px; }
.modal-error:empty { display: none; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 1100px) {
  main { padding: 16px; }
  .slack-fields { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
}
`;

/** The outbox page for an outbox server at `outboxUrl` (its page script talks to it directly). */
export function outboxPage(options: { outboxUrl: string }): string {
  const nonce = randomBytes(16).toString('base64');
  const origin = new URL(options.outboxUrl).origin;
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'unsafe-inline'",
    `connect-src ${origin}`,
    'img-src data:',
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${attribute(policy)}">
<meta name="outbox-url" content="${attribute(options.outboxUrl)}">
<title>Outbox · TEAM local cloud</title>
<style>${STYLE}</style>
</head>
<body>
<div class="top"><div class="brand">TEAM<span>Local cloud · Outbox</span></div><div id="conn" class="conn" role="status" data-state="connecting">Connecting…</div></div>
<main>
  <div class="intro">
    <h1>Notifications</h1>
    <p>Everything the local cloud sent: Slack messages, Teams cards, emails and SNS messages, newest first, as they arrive. Buttons in Slack messages act as Slack does: the click is signed and sent to TEAM's interactivity endpoint, and the modal TEAM opens appears here.</p>
  </div>
  <div class="toolbar">
    <div role="tablist" aria-label="Channels" id="tabs"></div>
    <div class="tools">
      <label for="act-as">Channel posts: act as</label>
      <select id="act-as" title="Who clicks buttons in channel posts (a direct message's buttons are clicked by its recipient)"></select>
      <button type="button" class="btn" id="clear">Clear outbox</button>
    </div>
  </div>
  <div id="notice" class="notice" role="alert" hidden></div>
  <section id="list" role="tabpanel" aria-live="polite" aria-busy="true"></section>
</main>
<dialog id="modal" aria-labelledby="modal-title">
  <form id="modal-form" novalidate>
    <header><h2 id="modal-title"></h2><button type="button" class="icon-btn" id="modal-x" aria-label="Close">×</button></header>
    <div class="modal-body" id="modal-body"></div>
    <p class="modal-error" id="modal-error" role="alert"></p>
    <footer><button type="button" class="btn" id="modal-close"></button><button type="submit" class="btn primary" id="modal-submit"></button></footer>
  </form>
</dialog>
<script nonce="${nonce}">${script()}</script>
</body>
</html>`;
}
