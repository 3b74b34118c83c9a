/* global document, window, fetch, EventSource, URL */
// The outbox page's script (served inline by page.ts). Every node is built with createElement and
// textContent: message content is never parsed as HTML.
(() => {
  'use strict';

  const OUTBOX = document.querySelector('meta[name="outbox-url"]').getAttribute('content');
  const CHANNELS = [
    { id: 'all', label: 'All' },
    { id: 'slack', label: 'Slack' },
    { id: 'teams', label: 'Teams' },
    { id: 'email', label: 'Email' },
    { id: 'sns', label: 'SNS' },
  ];
  const CHANNEL_LABEL = { slack: 'Slack', teams: 'Teams', email: 'Email', sns: 'SNS' };

  const state = {
    /** Outbox id → message. */
    messages: new Map(),
    /** Outbox id → its article element. */
    nodes: new Map(),
    users: [],
    tab: 'all',
    /** The view shown in the dialog: { view, userId, errors }. */
    modal: undefined,
    /** Where focus goes back when the dialog closes: { node, messageId, action }. */
    returnFocus: undefined,
    /** The Slack button whose click is under way (the modal it opens returns focus to it). */
    opener: undefined,
  };

  const $ = (id) => document.getElementById(id);
  const list = $('list');
  const dialog = $('modal');

  /** An element with properties (className, textContent, …), attributes (`aria-*`, `data-*`) and children. */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('aria-') || key.startsWith('data-') || key === 'role' || key === 'for')
        node.setAttribute(key, String(value));
      else node[key] = value;
    }
    for (const child of [].concat(children || [])) {
      if (child === undefined || child === null || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
  const str = (value) => (typeof value === 'string' ? value : '');

  /** An http(s) or mailto URL, or undefined: nothing else becomes a link. */
  function safeUrl(value) {
    try {
      const url = new URL(value);
      return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
    } catch {
      return undefined;
    }
  }

  let idCounter = 0;
  const uid = (prefix) => `${prefix}-${++idCounter}`;

  // ---- Slack mrkdwn ------------------------------------------------------------------------

  const EMOJI = {
    rotating_light: '🚨',
    white_check_mark: '✅',
    heavy_check_mark: '✔️',
    x: '❌',
    warning: '⚠️',
    hourglass: '⌛',
    hourglass_flowing_sand: '⏳',
    lock: '🔒',
    unlock: '🔓',
    key: '🔑',
    bell: '🔔',
    no_entry: '⛔',
    information_source: 'ℹ️',
    stopwatch: '⏱️',
    clock3: '🕒',
    eyes: '👀',
    tada: '🎉',
  };
  const ZWSP = /\u200B/g;

  function decodeEntities(text) {
    return text.replace(/&(lt|gt|amp);/g, (_, name) => ({ lt: '<', gt: '>', amp: '&' })[name]);
  }
  /** Text as Slack shows it: entities decoded, known emoji codes drawn, zero-width spaces gone. */
  function shown(text) {
    return decodeEntities(text)
      .replace(/:([a-z0-9_+-]+):/g, (whole, code) => EMOJI[code] || whole)
      .replace(ZWSP, '');
  }

  const userName = (id) => state.users.find((u) => u.id === id)?.name;

  /** One `<…>` control sequence: a link, a user or channel mention, a special mention, a date. */
  function atom(raw) {
    const bar = raw.indexOf('|');
    const head = bar >= 0 ? raw.slice(0, bar) : raw;
    const label = bar >= 0 ? raw.slice(bar + 1) : undefined;
    if (head.startsWith('@'))
      return el('span', {
        className: 'mention',
        textContent: `@${shown(label || userName(head.slice(1)) || head.slice(1))}`,
      });
    if (head.startsWith('#'))
      return el('span', { className: 'mention', textContent: `#${shown(label || head.slice(1))}` });
    if (head.startsWith('!')) {
      const name = head.slice(1);
      if (['here', 'channel', 'everyone'].includes(name))
        return el('span', { className: 'mention', textContent: `@${name}` });
      if (name.startsWith('subteam^'))
        return el('span', { className: 'mention', textContent: shown(label || '@group') });
      if (name.startsWith('date^') && label !== undefined) return document.createTextNode(shown(label));
      return document.createTextNode(shown(label || name));
    }
    const href = safeUrl(decodeEntities(head));
    if (!href) return document.createTextNode(`<${shown(raw)}>`);
    return el('a', {
      href,
      target: '_blank',
      rel: 'noopener noreferrer',
      textContent: shown(label === undefined ? head : label),
    });
  }

  const PLACEHOLDER_BASE = 0xe000;
  const OPEN_AFTER = /[\s([{"'\-/:;,.!?]/;
  const CLOSE_BEFORE = /[\s)\]}"'\-/:;,.!?]/;
  const MARK_TAG = { '*': 'strong', _: 'em', '~': 's', '`': 'code' };

  /**
   * A marker opens only at a word boundary and before a non-space, and closes after a non-space
   * and before a boundary (so TEAM's zero-width spaces around escaped markers keep them literal).
   */
  function canOpen(text, i) {
    const before = text[i - 1];
    const after = text[i + 1];
    return (
      (before === undefined || OPEN_AFTER.test(before)) &&
      after !== undefined &&
      !/\s/.test(after) &&
      after !== text[i]
    );
  }
  function closing(text, i) {
    const mark = text[i];
    for (let j = i + 2; j < text.length; j++) {
      if (text[j] === '\n') return -1;
      if (
        text[j] === mark &&
        !/\s/.test(text[j - 1]) &&
        (j + 1 === text.length || CLOSE_BEFORE.test(text[j + 1]))
      )
        return j;
    }
    return -1;
  }

  function appendText(parent, text, atoms) {
    let run = '';
    const flush = () => {
      if (run) parent.append(document.createTextNode(shown(run)));
      run = '';
    };
    for (const ch of text) {
      const index = ch.charCodeAt(0) - PLACEHOLDER_BASE;
      if (index >= 0 && index < atoms.length) {
        flush();
        parent.append(atom(atoms[index]));
      } else run += ch;
    }
    flush();
  }

  function formatInto(parent, text, atoms) {
    let run = '';
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      if (MARK_TAG[ch] && canOpen(text, i)) {
        const end = closing(text, i);
        if (end > 0) {
          appendText(parent, run, atoms);
          run = '';
          const inner = text.slice(i + 1, end);
          const node = el(MARK_TAG[ch]);
          if (ch === '`') appendText(node, inner, atoms);
          else formatInto(node, inner, atoms);
          parent.append(node);
          i = end + 1;
          continue;
        }
      }
      run += ch;
      i++;
    }
    appendText(parent, run, atoms);
  }

  /** Slack mrkdwn as DOM nodes in `parent`. */
  function mrkdwn(parent, source) {
    const atoms = [];
    const text = str(source).replace(/<([^<>\n]+)>/g, (_, inner) => {
      atoms.push(inner);
      return String.fromCharCode(PLACEHOLDER_BASE + atoms.length - 1);
    });
    formatInto(parent, text, atoms);
    return parent;
  }

  /** A text object (mrkdwn or plain_text) as an element. */
  function textObject(object, tag, className) {
    const node = el(tag || 'div', { className: className || '' });
    if (!isObject(object)) return node;
    if (object.type === 'mrkdwn') {
      node.classList.add('mrkdwn');
      mrkdwn(node, object.text);
    } else {
      node.classList.add('plain');
      node.textContent = str(object.text).replace(ZWSP, '');
    }
    return node;
  }

  const plainOf = (object) => (isObject(object) ? str(object.text).replace(ZWSP, '') : '');

  // ---- Slack blocks ------------------------------------------------------------------------

  /**
   * A Block Kit button: a link (new tab) when it has a URL, else a button that `onAction` clicks.
   */
  function slackButton(element, onAction) {
    const label = plainOf(element.text) || 'Button';
    const style =
      element.style === 'primary' ? 'btn primary' : element.style === 'danger' ? 'btn danger' : 'btn';
    const href = typeof element.url === 'string' ? safeUrl(element.url) : undefined;
    if (href)
      return el('a', { className: style, href, target: '_blank', rel: 'noopener noreferrer' }, [
        label,
        el('span', { className: 'ext', 'aria-hidden': 'true', textContent: '↗' }),
        el('span', { className: 'visually-hidden', textContent: '(opens in a new tab)' }),
      ]);
    const button = el('button', {
      type: 'button',
      className: style,
      textContent: label,
      'data-action': str(element.action_id),
    });
    if (onAction) button.addEventListener('click', () => onAction(element, button));
    else button.disabled = true;
    return button;
  }

  function slackBlock(block, ctx) {
    if (!isObject(block)) return undefined;
    switch (block.type) {
      case 'header':
        return el('h3', { className: 'slack-header', textContent: plainOf(block.text) });
      case 'section': {
        const node = el('div', { className: 'slack-section' });
        if (block.text) node.append(textObject(block.text));
        if (Array.isArray(block.fields))
          node.append(
            el(
              'div',
              { className: 'slack-fields' },
              block.fields.map((f) => textObject(f)),
            ),
          );
        if (isObject(block.accessory) && block.accessory.type === 'button')
          node.append(el('div', { className: 'slack-actions' }, slackButton(block.accessory, ctx.onAction)));
        return node;
      }
      case 'context':
        return el(
          'div',
          { className: 'slack-context' },
          (Array.isArray(block.elements) ? block.elements : []).map((e) =>
            isObject(e) && e.type === 'image'
              ? el('span', { className: 'slack-image', textContent: `[${str(e.alt_text) || 'image'}]` })
              : textObject(e, 'span'),
          ),
        );
      case 'actions':
        return el(
          'div',
          { className: 'slack-actions' },
          (Array.isArray(block.elements) ? block.elements : []).map((e) =>
            isObject(e) && e.type === 'button'
              ? slackButton(e, ctx.onAction)
              : el('span', { className: 'unsupported', textContent: `[${str(e && e.type)} not shown]` }),
          ),
        );
      case 'divider':
        return el('hr', { className: 'slack-divider' });
      case 'image':
        return el('p', {
          className: 'slack-image',
          textContent: `[image: ${str(block.alt_text) || 'no description'}]`,
        });
      case 'input':
        return ctx.input ? ctx.input(block) : el('p', { className: 'unsupported', textContent: '[input]' });
      default:
        return el('p', {
          className: 'unsupported',
          textContent: `[${str(block.type) || 'unknown'} block not shown]`,
        });
    }
  }

  function slackBlocks(blocks, ctx) {
    return (Array.isArray(blocks) ? blocks : []).map((b) => slackBlock(b, ctx)).filter(Boolean);
  }

  // ---- Teams Adaptive Cards ----------------------------------------------------------------

  const unescapeCard = (text) => text.replace(/\\([!-/:-@[-`{-~])/g, '$1');

  /** The small markdown subset Adaptive Cards support: **bold**, _italic_, [label](url), `\` escapes. */
  function cardMarkdown(parent, text) {
    const pattern = /\\([!-/:-@[-`{-~])|\*\*([^*]+)\*\*|_([^_]+)_|\[([^\]]+)\]\(([^)\s]+)\)/g;
    let last = 0;
    for (const match of str(text).matchAll(pattern)) {
      parent.append(document.createTextNode(text.slice(last, match.index)));
      // A backslash keeps the next punctuation character literal.
      if (match[1] !== undefined) parent.append(document.createTextNode(match[1]));
      else if (match[2] !== undefined) parent.append(el('strong', { textContent: unescapeCard(match[2]) }));
      else if (match[3] !== undefined) parent.append(el('em', { textContent: unescapeCard(match[3]) }));
      else {
        const href = safeUrl(match[5]);
        parent.append(
          href
            ? el('a', {
                href,
                target: '_blank',
                rel: 'noopener noreferrer',
                textContent: unescapeCard(match[4]),
              })
            : document.createTextNode(unescapeCard(match[0])),
        );
      }
      last = match.index + match[0].length;
    }
    parent.append(document.createTextNode(str(text).slice(last)));
    return parent;
  }

  function cardActions(actions) {
    return el(
      'div',
      { className: 'ac-actions' },
      (Array.isArray(actions) ? actions : []).map((action) => {
        if (!isObject(action)) return undefined;
        const title = str(action.title) || 'Action';
        if (action.type === 'Action.OpenUrl') {
          const href = safeUrl(str(action.url));
          if (href)
            return el('a', { className: 'btn', href, target: '_blank', rel: 'noopener noreferrer' }, [
              title,
              el('span', { className: 'ext', 'aria-hidden': 'true', textContent: '↗' }),
              el('span', { className: 'visually-hidden', textContent: '(opens in a new tab)' }),
            ]);
        }
        if (action.type === 'Action.ShowCard' && isObject(action.card))
          return el('details', {}, [el('summary', { textContent: title }), adaptiveCard(action.card)]);
        return el('button', {
          type: 'button',
          className: 'btn',
          textContent: title,
          disabled: true,
          title: `${str(action.type)} is not available in the outbox`,
        });
      }),
    );
  }

  function cardElement(item) {
    if (!isObject(item)) return undefined;
    switch (item.type) {
      case 'TextBlock': {
        const classes = ['ac-text'];
        if (item.wrap !== true) classes.push('nowrap');
        if (['bolder', 'lighter'].includes(item.weight)) classes.push(item.weight);
        if (['small', 'medium', 'large', 'extraLarge'].includes(item.size)) classes.push(item.size);
        if (['accent', 'good', 'warning', 'attention', 'light'].includes(item.color))
          classes.push(item.color);
        if (item.isSubtle === true) classes.push('subtle');
        const heading = item.style === 'heading';
        const node = el(heading ? 'h3' : 'p', { className: classes.join(' ') });
        return cardMarkdown(node, str(item.text));
      }
      case 'RichTextBlock':
        return el(
          'p',
          { className: 'ac-text' },
          (Array.isArray(item.inlines) ? item.inlines : []).map((inline) =>
            typeof inline === 'string' ? inline : isObject(inline) ? str(inline.text) : '',
          ),
        );
      case 'FactSet':
        return el(
          'dl',
          { className: 'ac-facts' },
          (Array.isArray(item.facts) ? item.facts : []).flatMap((fact) =>
            isObject(fact)
              ? [el('dt', { textContent: str(fact.title) }), cardMarkdown(el('dd'), str(fact.value))]
              : [],
          ),
        );
      case 'ColumnSet':
        return el(
          'div',
          { className: 'ac-columns' },
          (Array.isArray(item.columns) ? item.columns : []).map((column) => {
            if (!isObject(column)) return undefined;
            const node = el('div', { className: 'ac-column' }, cardElements(column.items));
            const width = column.width;
            if (typeof width === 'number') node.style.flex = `${width} 1 0`;
            else if (typeof width === 'string' && /^\d+px$/.test(width)) node.style.flex = `0 0 ${width}`;
            else if (width === 'auto') node.style.flex = '0 0 auto';
            else node.style.flex = '1 1 0';
            return node;
          }),
        );
      case 'Container':
        return el(
          'div',
          {
            className: `ac-container ${['emphasis', 'good', 'attention', 'warning', 'accent'].includes(item.style) ? item.style : ''}`,
          },
          cardElements(item.items),
        );
      case 'ActionSet':
        return cardActions(item.actions);
      case 'Image':
        return el('p', {
          className: 'slack-image',
          textContent: `[image: ${str(item.altText) || 'no description'}]`,
        });
      default:
        return el('p', {
          className: 'unsupported',
          textContent: `[${str(item.type) || 'unknown'} not shown]`,
        });
    }
  }

  function cardElements(items) {
    return (Array.isArray(items) ? items : []).map(cardElement).filter(Boolean);
  }

  /** An Adaptive Card (or a Teams message whose attachment holds one). */
  function adaptiveCard(card) {
    let content = card;
    if (isObject(content) && Array.isArray(content.attachments)) {
      const attachment = content.attachments.find((a) => isObject(a) && isObject(a.content));
      content = attachment ? attachment.content : content;
    }
    if (!isObject(content) || content.type !== 'AdaptiveCard')
      return el('pre', { className: 'json', textContent: JSON.stringify(card, null, 2) });
    const node = el('div', { className: 'ac' }, cardElements(content.body));
    if (Array.isArray(content.actions) && content.actions.length) node.append(cardActions(content.actions));
    return node;
  }

  // ---- messages ----------------------------------------------------------------------------

  function recipientLabel(message) {
    switch (message.channel) {
      case 'slack': {
        const r = message.recipient;
        const who = r
          ? r.name && r.email
            ? `${r.name} (${r.email})`
            : r.name || r.email || r.userId
          : undefined;
        if (message.method === 'chat.postEphemeral')
          return `${message.conversationName ? `#${message.conversationName}` : who}, only visible to ${r ? r.name || r.userId : 'one person'}`;
        if (message.conversationName) return `#${message.conversationName}`;
        return who ? `To ${who}` : message.conversation;
      }
      case 'teams': {
        let where = str(message.webhook);
        try {
          const url = new URL(where);
          const tail = url.pathname.split('/').filter(Boolean).pop() || '';
          where = `${url.host}/…/${tail.slice(0, 12)}`;
        } catch {
          // Not a URL: shown as it is.
        }
        return `Teams webhook ${where}`;
      }
      case 'email':
        return `To ${[].concat(message.to || []).join(', ')}`;
      case 'sns':
        return `Topic ${str(message.topicArn).split(':').pop()}`;
      default:
        return str(message.channel);
    }
  }

  function slackBody(message) {
    const body = el('div', { className: 'body' });
    body.append(
      el('div', { className: 'from' }, [
        el('b', { textContent: message.author ? userName(message.author) || message.author : 'TEAM' }),
        message.author ? undefined : el('span', { className: 'app', textContent: 'APP' }),
      ]),
    );
    const onAction = (element, button) => clickAction(message, element, button);
    const blocks = slackBlocks(message.blocks, { onAction });
    if (blocks.length) body.append(...blocks);
    else body.append(textObject({ type: 'mrkdwn', text: str(message.text) }));
    return body;
  }

  function emailBody(message) {
    const headers = el('dl', { className: 'headers' });
    const row = (label, value) => {
      if (value) headers.append(el('dt', { textContent: label }), el('dd', { textContent: value }));
    };
    row('From', str(message.from));
    row('To', [].concat(message.to || []).join(', '));
    row('Cc', [].concat(message.cc || []).join(', '));
    row('Bcc', [].concat(message.bcc || []).join(', '));
    row('Reply-To', [].concat(message.replyTo || []).join(', '));
    const body = el('div', { className: 'body' }, [
      el('h3', { className: 'email-subject', textContent: str(message.subject) }),
      headers,
    ]);
    const frame = () => {
      const iframe = el('iframe', {
        className: 'html-body',
        title: `HTML body of “${str(message.subject)}”`,
      });
      // No scripts, no plugins, no navigation: the HTML is only looked at.
      iframe.setAttribute('sandbox', '');
      iframe.srcdoc = str(message.html);
      return iframe;
    };
    if (message.text) body.append(el('pre', { className: 'text-body', textContent: message.text }));
    if (message.html && message.text)
      body.append(el('details', {}, [el('summary', { textContent: 'HTML version' }), frame()]));
    else if (message.html) body.append(frame());
    return body;
  }

  function snsBody(message) {
    const body = el('div', { className: 'body' });
    if (message.subject) body.append(el('h3', { className: 'email-subject', textContent: message.subject }));
    body.append(el('p', { className: 'meta', textContent: str(message.topicArn) }));
    let text = str(message.message);
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Plain text: shown as it is.
    }
    body.append(el('pre', { className: 'json', textContent: text }));
    const attributes = Object.entries(isObject(message.attributes) ? message.attributes : {});
    if (attributes.length) {
      const dl = el('dl', { className: 'headers' });
      for (const [name, value] of attributes)
        dl.append(
          el('dt', { textContent: name }),
          el('dd', { textContent: isObject(value) ? str(value.stringValue) || '(binary)' : '' }),
        );
      body.append(el('details', {}, [el('summary', { textContent: 'Message attributes' }), dl]));
    }
    return body;
  }

  function article(message) {
    const titleId = uid('msg');
    const at = new Date(message.at);
    const header = el('header', {}, [
      el('span', {
        className: `badge ${message.channel}`,
        textContent: CHANNEL_LABEL[message.channel] || str(message.channel),
      }),
      el('h2', { id: titleId, textContent: recipientLabel(message) }),
      message.edited
        ? el('span', {
            className: 'badge edited',
            textContent: 'edited',
            title: `Edited ${new Date(message.edited.at).toLocaleString()}`,
          })
        : undefined,
      el('time', {
        dateTime: message.at,
        textContent: Number.isNaN(at.getTime()) ? '' : at.toLocaleString(),
      }),
    ]);
    let body;
    if (message.channel === 'slack') body = slackBody(message);
    else if (message.channel === 'teams') body = el('div', { className: 'body' }, adaptiveCard(message.card));
    else if (message.channel === 'email') body = emailBody(message);
    else if (message.channel === 'sns') body = snsBody(message);
    else body = el('pre', { className: 'json body', textContent: JSON.stringify(message, null, 2) });
    const node = el(
      'article',
      { className: 'msg', 'aria-labelledby': titleId, tabIndex: -1, 'data-message-id': message.id },
      [header, body],
    );
    node.hidden = state.tab !== 'all' && state.tab !== message.channel;
    return node;
  }

  const version = (m) => (m.edited ? m.edited.updates : 0);

  /** Adds or replaces one message (a newer version never gives way to an older one). */
  function upsert(message) {
    if (!isObject(message) || typeof message.id !== 'string') return;
    const known = state.messages.get(message.id);
    if (known && version(known) > version(message)) return;
    state.messages.set(message.id, message);
    const node = article(message);
    const old = state.nodes.get(message.id);
    if (old) {
      const focused = old.contains(document.activeElement) ? document.activeElement : undefined;
      old.replaceWith(node);
      if (focused) {
        const action = focused.getAttribute && focused.getAttribute('data-action');
        const again = action ? node.querySelector(`[data-action="${window.CSS.escape(action)}"]`) : undefined;
        (again || node).focus();
      }
    } else {
      const after = [...state.nodes.entries()]
        .map(([id, n]) => ({ seq: state.messages.get(id).seq, n }))
        .filter((x) => x.seq < message.seq)
        .sort((a, b) => b.seq - a.seq)[0];
      if (after) list.insertBefore(node, after.n);
      else list.append(node);
    }
    state.nodes.set(message.id, node);
    refreshCounts();
  }

  function clearAll() {
    state.messages.clear();
    for (const node of state.nodes.values()) node.remove();
    state.nodes.clear();
    refreshCounts();
  }

  // ---- tabs --------------------------------------------------------------------------------

  const tabs = $('tabs');
  const tabButtons = CHANNELS.map((channel) => {
    const button = el(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${channel.id}`,
        'aria-controls': 'list',
        'aria-selected': channel.id === state.tab ? 'true' : 'false',
        tabIndex: channel.id === state.tab ? 0 : -1,
        'data-channel': channel.id,
      },
      [channel.label, el('span', { className: 'count', textContent: '0' })],
    );
    button.addEventListener('click', () => selectTab(channel.id));
    tabs.append(button);
    return button;
  });
  tabs.addEventListener('keydown', (event) => {
    const index = tabButtons.findIndex((b) => b === document.activeElement);
    if (index < 0) return;
    let next;
    if (event.key === 'ArrowRight') next = (index + 1) % tabButtons.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabButtons.length) % tabButtons.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabButtons.length - 1;
    if (next === undefined) return;
    event.preventDefault();
    selectTab(CHANNELS[next].id);
    tabButtons[next].focus();
  });

  function selectTab(id) {
    state.tab = id;
    for (const button of tabButtons) {
      const selected = button.getAttribute('data-channel') === id;
      button.setAttribute('aria-selected', selected ? 'true' : 'false');
      button.tabIndex = selected ? 0 : -1;
      if (selected) list.setAttribute('aria-labelledby', button.id);
    }
    for (const [msgId, node] of state.nodes) {
      const channel = state.messages.get(msgId).channel;
      node.hidden = id !== 'all' && id !== channel;
    }
    refreshCounts();
  }

  let emptyNote;
  function refreshCounts() {
    const counts = { all: state.messages.size };
    for (const m of state.messages.values()) counts[m.channel] = (counts[m.channel] || 0) + 1;
    for (const button of tabButtons)
      button.querySelector('.count').textContent = String(counts[button.getAttribute('data-channel')] || 0);
    const visible = state.tab === 'all' ? counts.all : counts[state.tab] || 0;
    if (!emptyNote) emptyNote = el('p', { className: 'empty' });
    emptyNote.textContent =
      state.tab === 'all' ? 'Nothing was sent yet.' : `No ${CHANNEL_LABEL[state.tab]} messages yet.`;
    if (visible === 0 && !emptyNote.isConnected) list.prepend(emptyNote);
    if (visible > 0 && emptyNote.isConnected) emptyNote.remove();
  }

  // ---- notices -----------------------------------------------------------------------------

  function notify(text, kind) {
    const notice = $('notice');
    notice.className = `notice ${kind === 'info' ? 'info' : ''}`;
    notice.textContent = text;
    notice.hidden = !text;
  }

  const describeAnswer = (answer) => {
    const body = answer && answer.body !== undefined ? answer.body : answer && answer.response;
    if (body === undefined || body === '') return '';
    return typeof body === 'string' ? body : JSON.stringify(body);
  };

  async function call(path, body) {
    const res = await fetch(`${OUTBOX}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body || {}),
    });
    let json = {};
    try {
      json = await res.json();
    } catch {
      // No JSON: treated as empty.
    }
    return { ok: res.ok, status: res.status, json };
  }

  // ---- Slack interactions ------------------------------------------------------------------

  async function clickAction(message, element, button) {
    const actAs = $('act-as').value;
    const userId = message.recipient ? message.recipient.userId : actAs;
    if (!userId) {
      notify('Pick who clicks buttons in channel posts first (“Channel posts: act as”).');
      return;
    }
    // A second click while the first is under way does nothing; the button keeps focus (a
    // disabled one would lose it, and the modal could not give it back).
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    button.setAttribute('aria-busy', 'true');
    state.opener = button;
    notify('');
    try {
      const { ok, json } = await call('/outbox/slack/actions', {
        messageId: message.id,
        actionId: element.action_id,
        userId,
      });
      if (!ok) notify(json.message || 'The click could not be sent.');
      else if (json.status !== 200)
        notify(`TEAM answered the click with HTTP ${json.status}. ${describeAnswer(json)}`);
      if (ok && json.view) showView(json.view, userId, undefined, button);
    } catch (err) {
      notify(`The outbox did not answer: ${err}`);
    } finally {
      if (state.opener === button) state.opener = undefined;
      button.removeAttribute('aria-disabled');
      button.removeAttribute('aria-busy');
    }
  }

  const modalBody = $('modal-body');
  const modalError = $('modal-error');

  function inputField(block) {
    const element = isObject(block.element) ? block.element : {};
    const id = uid('field');
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    const multiline = element.type === 'plain_text_input' && element.multiline === true;
    const control = el(multiline ? 'textarea' : 'input', {
      id,
      name: id,
      'data-block': str(block.block_id),
      'data-action': str(element.action_id),
      'aria-describedby': [block.hint ? hintId : '', errorId].filter(Boolean).join(' '),
      'aria-required': block.optional === true ? 'false' : 'true',
    });
    if (!multiline)
      control.type =
        element.type === 'email_text_input' ? 'email' : element.type === 'url_text_input' ? 'url' : 'text';
    if (typeof element.max_length === 'number') control.maxLength = element.max_length;
    if (typeof element.initial_value === 'string') control.value = element.initial_value;
    if (isObject(element.placeholder)) control.placeholder = plainOf(element.placeholder);
    const label = el('label', { for: id }, [
      plainOf(block.label),
      block.optional === true ? el('span', { className: 'optional', textContent: ' (optional)' }) : undefined,
    ]);
    return el('div', { className: 'field', 'data-block': str(block.block_id) }, [
      label,
      control,
      block.hint ? el('p', { className: 'hint', id: hintId, textContent: plainOf(block.hint) }) : undefined,
      el('p', { className: 'field-error', id: errorId, hidden: true }),
    ]);
  }

  /** Field values of the dialog by block and action id. */
  function dialogValues() {
    const values = {};
    for (const control of modalBody.querySelectorAll('[data-block][data-action]')) {
      if (!('value' in control)) continue;
      const block = control.getAttribute('data-block');
      values[block] = values[block] || {};
      values[block][control.getAttribute('data-action')] = control.value;
    }
    return values;
  }

  function showErrors(errors) {
    let first;
    for (const field of modalBody.querySelectorAll('.field')) {
      const message = errors ? errors[field.getAttribute('data-block')] : undefined;
      const control = field.querySelector('[data-action]');
      const error = field.querySelector('.field-error');
      error.textContent = message || '';
      error.hidden = !message;
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
      if (message && !first) first = control;
    }
    if (first) first.focus();
  }

  /** Shows (or refreshes) the modal `view` of `userId`; typed values survive a new version. */
  function showView(view, userId, errors, opener) {
    if (!isObject(view)) return;
    const current = state.modal;
    if (current && current.view.id === view.id && current.view.hash === view.hash) {
      current.errors = errors;
      if (errors) showErrors(errors);
      return;
    }
    const keep = current && current.view.id === view.id ? dialogValues() : {};
    state.modal = { view, userId, errors };
    $('modal-title').textContent = plainOf(view.title) || 'Modal';
    const submit = $('modal-submit');
    submit.textContent = plainOf(view.submit);
    submit.hidden = !view.submit;
    $('modal-close').textContent = plainOf(view.close) || 'Cancel';
    modalError.textContent = '';
    modalBody.replaceChildren(...slackBlocks(view.blocks, { input: inputField }));
    for (const control of modalBody.querySelectorAll('[data-block][data-action]')) {
      const kept = keep[control.getAttribute('data-block')];
      const value = kept ? kept[control.getAttribute('data-action')] : undefined;
      if (value !== undefined) control.value = value;
    }
    if (!dialog.open) {
      const from =
        opener ||
        state.opener ||
        (document.activeElement !== document.body ? document.activeElement : undefined);
      const holder = from && from.closest ? from.closest('article[data-message-id]') : undefined;
      state.returnFocus = from && {
        node: from,
        messageId: holder ? holder.getAttribute('data-message-id') : undefined,
        action: from.getAttribute('data-action'),
      };
      dialog.showModal();
    }
    if (errors) showErrors(errors);
    else
      (
        modalBody.querySelector('[data-action]:not(button)') || (view.submit ? submit : $('modal-close'))
      ).focus();
  }

  function hideDialog() {
    state.modal = undefined;
    if (dialog.open) dialog.close();
    const back = state.returnFocus;
    state.returnFocus = undefined;
    if (!back) return;
    if (back.node.isConnected) return back.node.focus();
    // The message was redrawn meanwhile (an update): the same button in it, or the message.
    const holder = back.messageId ? state.nodes.get(back.messageId) : undefined;
    if (!holder) return;
    const again = back.action
      ? holder.querySelector(`[data-action="${window.CSS.escape(back.action)}"]`)
      : undefined;
    (again || holder).focus();
  }

  async function closeModal() {
    const modal = state.modal;
    if (!modal) return hideDialog();
    hideDialog();
    try {
      await call(`/outbox/slack/views/${encodeURIComponent(modal.view.id)}/close`, { userId: modal.userId });
    } catch {
      // The dialog is closed on the page either way.
    }
  }

  async function submitModal() {
    const modal = state.modal;
    if (!modal) return;
    const submit = $('modal-submit');
    submit.disabled = true;
    modalError.textContent = '';
    try {
      const { ok, status, json } = await call(
        `/outbox/slack/views/${encodeURIComponent(modal.view.id)}/submit`,
        {
          values: dialogValues(),
          userId: modal.userId,
        },
      );
      if (status === 422 && json.errors) showErrors(json.errors);
      else if (!ok) modalError.textContent = json.message || `The outbox answered HTTP ${status}.`;
      else if (json.view) {
        if (json.status !== 200)
          modalError.textContent = `TEAM answered HTTP ${json.status}: the modal stays open, as in Slack.`;
        if (json.error) modalError.textContent = json.error;
        showView(json.view, modal.userId, json.errors);
      } else if (state.modal && state.modal.view.id === modal.view.id) hideDialog();
    } catch (err) {
      modalError.textContent = `The outbox did not answer: ${err}`;
    } finally {
      submit.disabled = false;
    }
  }

  $('modal-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submitModal();
  });
  $('modal-close').addEventListener('click', () => closeModal());
  $('modal-x').addEventListener('click', () => closeModal());
  // Escape: closed like the Close button (Slack tells the app when it asked to be told).
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    closeModal();
  });

  function onViewEvent(event) {
    if (!isObject(event) || !isObject(event.view)) return;
    const current = state.modal;
    if (event.action === 'close') {
      if (current && current.view.id === event.view.id) hideDialog();
      return;
    }
    if (event.action === 'open' && !current) showView(event.view, event.userId, event.errors);
    else if (current && current.view.id === event.view.id) showView(event.view, event.userId, event.errors);
  }

  // ---- users, clear, stream ----------------------------------------------------------------

  async function loadUsers() {
    try {
      const res = await fetch(`${OUTBOX}/outbox/slack/users`);
      const json = await res.json();
      state.users = Array.isArray(json.users) ? json.users : [];
    } catch {
      state.users = [];
    }
    const select = $('act-as');
    select.replaceChildren(
      ...state.users.map((u) => el('option', { value: u.id, textContent: u.name, title: u.email })),
    );
    select.disabled = state.users.length === 0;
  }

  $('clear').addEventListener('click', async () => {
    if (!window.confirm('Remove every message from the outbox?')) return;
    try {
      await fetch(`${OUTBOX}/outbox`, { method: 'DELETE' });
    } catch (err) {
      notify(`The outbox did not answer: ${err}`);
    }
  });

  const conn = $('conn');
  function setConnection(stateName, text) {
    conn.setAttribute('data-state', stateName);
    conn.textContent = text;
  }

  async function loadSnapshot() {
    const [messages, views] = await Promise.all([
      fetch(`${OUTBOX}/outbox`).then((r) => r.json()),
      fetch(`${OUTBOX}/outbox/slack/views`).then((r) => r.json()),
    ]);
    const ids = new Set((messages.messages || []).map((m) => m.id));
    for (const id of [...state.messages.keys()])
      if (!ids.has(id)) {
        state.nodes.get(id).remove();
        state.nodes.delete(id);
        state.messages.delete(id);
      }
    for (const message of messages.messages || []) upsert(message);
    refreshCounts();
    list.setAttribute('aria-busy', 'false');
    const open = (views.views || []).slice(-1)[0];
    if (open && !state.modal) showView(open.view, open.userId, open.errors);
  }

  function connect() {
    const source = new EventSource(`${OUTBOX}/outbox/stream`);
    const parse = (handler) => (event) => {
      try {
        handler(JSON.parse(event.data));
      } catch {
        // A malformed event is skipped.
      }
    };
    source.addEventListener('open', () => {
      setConnection('live', 'Live');
      loadSnapshot().catch((err) => notify(`Could not load the outbox: ${err}`));
    });
    source.addEventListener('error', () => setConnection('down', 'Reconnecting…'));
    source.addEventListener('message', parse(upsert));
    source.addEventListener('update', parse(upsert));
    source.addEventListener('view', parse(onViewEvent));
    source.addEventListener('clear', () => clearAll());
  }

  selectTab('all');
  loadUsers().finally(connect);
})();
