// @vitest-environment jsdom
import { act, fireEvent } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/api/errors';
import type { RequestHistoryPreview, RequestStatus } from '../../../web/src/api/model';
import PolicyDocumentPage from '../../../web/src/pages/policy-document/policy-document-page';
import { me, memoryData, PS_ADMIN } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import {
  button,
  field,
  flashTexts,
  renderWithApp,
  settle,
  setupWebTests,
  type PageWrapper,
  waitForElement,
} from '../support/render';

setupWebTests();

const ADMIN = me({ isAdmin: true, personas: ['REQUESTER', 'ADMIN'] });

/** People the test directory still knows (the others are "no longer known"). */
const KNOWN = new Set(['alice', 'bob', 'carol']);

interface Original {
  id: string;
  username: string;
  status: string;
  createdAt: string;
}

/** An original TEAM request item: the i-th of a table, in DynamoDB JSON or plain. */
function original(i: number, overrides: Partial<Original> = {}): Original {
  const day = String((i % 28) + 1).padStart(2, '0');
  const month = String((Math.floor(i / 28) % 12) + 1).padStart(2, '0');
  return {
    id: `3f0c1a52-7d4e-4b7a-9c1e-${String(i).padStart(12, '0')}`,
    username: ['idc_alice', 'idc_bob', 'idc_dave', 'idc_erin'][i % 4] ?? 'idc_alice',
    status: i % 5 === 0 ? 'revoked' : 'ended',
    createdAt: `2025-${month}-${day}T09:00:00.000Z`,
    ...overrides,
  };
}

function dynamo(item: Original) {
  return {
    id: { S: item.id },
    username: { S: item.username },
    email: { S: `${item.username.slice(4)}@example.com` },
    accountId: { S: '111122223333' },
    roleId: { S: PS_ADMIN },
    duration: { S: '1' },
    status: { S: item.status },
    createdAt: { S: item.createdAt },
  };
}

function scanOutput(items: Original[]): string {
  return JSON.stringify({ Items: items.map(dynamo), Count: items.length, ScannedCount: items.length });
}

/** Items of a call as the server reads them (scan output or a list, DynamoDB JSON or plain). */
function itemsOf(text: string): Original[] {
  const parsed = JSON.parse(text) as unknown;
  const list = (Array.isArray(parsed) ? parsed : (parsed as { Items: unknown[] }).Items) as Record<
    string,
    unknown
  >[];
  const value = (item: Record<string, unknown>, key: string) => {
    const v = item[key];
    return typeof v === 'string' ? v : ((v as { S: string } | undefined)?.S ?? '');
  };
  return list.map((item) => ({
    id: value(item, 'id'),
    username: value(item, 'username'),
    status: value(item, 'status'),
    createdAt: value(item, 'createdAt'),
  }));
}

/**
 * Answers a call as the server would for these items: the ones whose number ends in 7 were
 * imported before; users other than alice, bob and carol are no longer in the directory.
 */
function serverPreview(text: string): RequestHistoryPreview {
  const items = itemsOf(text);
  const already = items.filter((item) => item.id.endsWith('7')).length;
  const counts = new Map<RequestStatus, number>();
  for (const item of items) {
    const status = item.status.toUpperCase() as RequestStatus;
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const created = items.map((item) => item.createdAt).sort();
  return {
    total: items.length,
    toImport: items.length - already,
    alreadyImported: already,
    byStatus: [...counts].map(([status, count]) => ({ status, count })),
    from: created[0] ?? null,
    to: created[created.length - 1] ?? null,
    unknownUsers: [
      ...new Set(items.map((item) => item.username.slice(4)).filter((name) => !KNOWN.has(name))),
    ].sort(),
  };
}

function renderPage(options: { language?: 'en' | 'ja'; preview?: RequestHistoryPreview } = {}) {
  const api = new MemoryTeamApi(
    memoryData({ me: ADMIN, requestHistoryPreview: options.preview ?? serverPreview }),
  );
  return renderWithApp(<PolicyDocumentPage />, {
    api,
    path: '/admin/policy-document',
    language: options.language,
  });
}

function text(page: PageWrapper): string {
  return page.getElement().textContent ?? '';
}

function choose(page: PageWrapper, content: string, name = 'requests.json') {
  const upload = field(page, 'Requests file').findControl()?.findFileUpload();
  const file = new File([content], name, { type: 'application/json' });
  act(() => {
    fireEvent.change(upload?.findNativeInput().getElement() as HTMLInputElement, {
      target: { files: [file] },
    });
  });
}

/** The history section's key figures, by label. */
function figure(page: PageWrapper, label: string): string | undefined {
  return (
    page
      .findAllKeyValuePairs()
      .flatMap((pairs) => pairs.findItems())
      .find((item) => item.findLabel()?.getElement().textContent === label)
      ?.findValue()
      ?.getElement().textContent ?? undefined
  );
}

async function previewFile(page: PageWrapper, content: string) {
  choose(page, content);
  act(() => button(page, 'Preview').click());
  await waitForElement(() => figure(page, 'Requests read'));
}

function modal(page: PageWrapper) {
  const found = page.findModal();
  if (!found) throw new Error('no modal');
  return found;
}

async function confirmImport(page: PageWrapper) {
  act(() => button(page, 'Import').click());
  await waitForElement(() => page.findModal());
  act(() => button(modal(page).findFooter() ?? modal(page), 'Import').click());
  await waitForElement(() => page.findModal() === null);
}

const SMALL = [
  original(1, { createdAt: '2026-01-05T09:00:00.000Z' }),
  original(5, { username: 'idc_dave', createdAt: '2026-03-02T16:30:00.000Z' }),
  original(7, { createdAt: '2026-02-01T12:00:00.000Z' }),
];

describe('Request history from the original TEAM: preview', () => {
  it('previews a small scan output: counts, statuses by name, the period in local time, unknown people', async () => {
    const { page, api } = renderPage();
    expect(text(page)).toContain('Request history from the original TEAM');
    expect(text(page)).toContain('Importing the same file again is safe');
    await previewFile(page, scanOutput(SMALL));

    const calls = api.callsOf('previewRequestHistoryImport');
    expect(calls).toHaveLength(1);
    expect(itemsOf(String(calls[0]?.[0])).map((i) => i.id)).toEqual(SMALL.map((i) => i.id));
    expect(JSON.parse(String(calls[0]?.[0]))).toHaveProperty('Items');

    expect(figure(page, 'Requests read')).toBe('3');
    expect(figure(page, 'To import')).toBe('2');
    expect(figure(page, 'Already imported')).toBe('1');
    expect(figure(page, 'By status')).toBe('Ended 2Revoked 1');
    expect(figure(page, 'Created')).toBe('Jan 5, 2026, 9:00 AM UTC – Mar 2, 2026, 4:30 PM UTC');
    expect(figure(page, 'People the directory no longer knows')).toContain('dave');
    // Nothing raw: no ISO times, no enum values.
    expect(text(page)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(text(page)).not.toMatch(/\bENDED\b|\bREVOKED\b/);
  });

  it('previews pasted items too', async () => {
    const { page, api } = renderPage();
    const list = JSON.stringify(SMALL);
    act(() => field(page, 'Requests').findControl()?.findTextarea()?.setTextareaValue(list));
    act(() => button(page, 'Preview').click());
    await waitForElement(() => figure(page, 'Requests read'));
    // A list stays a list.
    expect(JSON.parse(String(api.callsOf('previewRequestHistoryImport')[0]?.[0]))).toEqual(SMALL);
  });

  it('splits a file of 2,500 items into 3 parts, previews each and shows the sums', async () => {
    const items = Array.from({ length: 2500 }, (_, i) => original(i));
    const { page, api } = renderPage();
    await previewFile(page, scanOutput(items));

    const calls = api.callsOf('previewRequestHistoryImport').map((c) => itemsOf(String(c[0])));
    expect(calls.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(calls.flat().map((i) => i.id)).toEqual(items.map((i) => i.id));

    const expected = serverPreview(scanOutput(items));
    expect(figure(page, 'Requests read')).toBe('2,500 (in 3 parts)');
    expect(figure(page, 'To import')).toBe(expected.toImport.toLocaleString('en-US'));
    expect(figure(page, 'Already imported')).toBe(expected.alreadyImported.toLocaleString('en-US'));
    expect(expected.alreadyImported).toBe(250);
    expect(figure(page, 'By status')).toBe('Ended 2,000Revoked 500');
    expect(figure(page, 'Created')).toBe('Jan 1, 2025, 9:00 AM UTC – Dec 28, 2025, 9:00 AM UTC');
    expect(figure(page, 'People the directory no longer knows')).toMatch(/^dave, erin/);
  });

  it('keeps each part within what one request carries when the items are large', async () => {
    const long = 'x'.repeat(2000);
    const items = Array.from({ length: 1000 }, (_, i) => ({
      ...dynamo(original(i)),
      justification: { S: long },
    }));
    const { page, api } = renderPage();
    await previewFile(page, JSON.stringify({ Items: items }));
    const calls = api.callsOf('previewRequestHistoryImport').map((c) => String(c[0]));
    expect(calls.length).toBeGreaterThan(2);
    for (const call of calls) {
      expect(new TextEncoder().encode(JSON.stringify(call)).length).toBeLessThanOrEqual(900 * 1024);
    }
    expect(calls.flatMap((c) => itemsOf(c)).map((i) => i.id)).toEqual(items.map((i) => i.id.S));
    expect(figure(page, 'Requests read')).toBe(`1,000 (in ${calls.length} parts)`);
  });

  it('says when the file is not JSON, without asking the server', async () => {
    const { page, api } = renderPage();
    choose(page, 'id,status\n1,ended\n', 'requests.csv');
    act(() => button(page, 'Preview').click());
    await waitForElement(() => field(page, 'Requests file').findError());
    expect(field(page, 'Requests file').findError()?.getElement().textContent).toBe(
      'This is not JSON. Choose the output of aws dynamodb scan ({"Items": [...]}) or a JSON list of the items of the original\'s requests table.',
    );
    expect(api.callsOf('previewRequestHistoryImport')).toHaveLength(0);
  });

  it('says what is wrong with JSON of another shape, an empty table, or an id twice in the file', async () => {
    const { page, api } = renderPage();
    const paste = async (value: string) => {
      act(() => field(page, 'Requests').findControl()?.findTextarea()?.setTextareaValue(value));
      act(() => button(page, 'Preview').click());
      await settle();
      return field(page, 'Requests').findError()?.getElement().textContent;
    };
    expect(await paste('')).toBe('Choose a file or paste the items.');
    expect(await paste('{ "requests": [] }')).toBe(
      'Expected the output of aws dynamodb scan ({"Items": [...]}) or a JSON list of items.',
    );
    expect(await paste('{ "Items": [] }')).toBe('It holds no items.');
    // The server sees one part at a time: a repeat across parts is caught here.
    const items = Array.from({ length: 1200 }, (_, i) => original(i));
    items[1100] = original(3);
    expect(await paste(scanOutput(items))).toBe(
      `Item 1,101 (request ${original(3).id}) appears twice: it is also item 4.`,
    );
    expect(api.callsOf('previewRequestHistoryImport')).toHaveLength(0);
  });

  it("shows the server's message and the part when a part cannot be previewed", async () => {
    const items = Array.from({ length: 2500 }, (_, i) => original(i));
    const { page, api } = renderPage();
    const message = `Item 2 (request ${items[1001]?.id}): it is still pending in the original TEAM; import it once it has ended there.`;
    const answer = api.previewRequestHistoryImport;
    let call = 0;
    api.previewRequestHistoryImport = (value) => {
      call += 1;
      return call === 2 ? Promise.reject(new ApiError('ValidationError', message, 'items')) : answer(value);
    };
    choose(page, scanOutput(items));
    act(() => button(page, 'Preview').click());
    const alert = await waitForElement(() => page.findAlert());
    expect(alert.findHeader()?.getElement().textContent).toBe('Part 2 of 3 could not be previewed');
    expect(alert.getElement().textContent).toContain(message);
    expect(alert.getElement().textContent).toContain(
      'Part 2 holds items 1,001–2,000 of the file: its item 2 is item 1,002 of the file.',
    );
    expect(call).toBe(2);
    expect(() => button(page, 'Import')).toThrow();
  });

  it('offers no import when everything was imported already', async () => {
    const { page } = renderPage({
      preview: {
        total: 3,
        toImport: 0,
        alreadyImported: 3,
        byStatus: [{ status: 'ENDED', count: 3 }],
        from: '2026-01-05T09:00:00.000Z',
        to: '2026-01-06T09:00:00.000Z',
        unknownUsers: [],
      },
    });
    await previewFile(page, scanOutput(SMALL));
    expect(text(page)).toContain('Every request of this file has been imported already.');
    expect(figure(page, 'People the directory no longer knows')).toBe('None');
    expect(() => button(page, 'Import')).toThrow();
  });
});

describe('Request history from the original TEAM: import', () => {
  it('confirms, imports a small file and flashes the counts', async () => {
    const { page, api } = renderPage();
    await previewFile(page, scanOutput(SMALL));
    act(() => button(page, 'Import').click());
    await waitForElement(() => page.findModal());
    expect(modal(page).findHeader().getElement().textContent).toBe('Import this request history?');
    const content = modal(page).findContent().getElement().textContent ?? '';
    expect(content).toContain('To import: 2');
    expect(content).toContain('Already imported, left as they are: 1');
    expect(content).not.toContain('parts');
    expect(api.callsOf('importRequestHistory')).toHaveLength(0);

    act(() => button(modal(page).findFooter() ?? modal(page), 'Import').click());
    await waitForElement(() => flashTexts(page).length > 0);
    expect(api.callsOf('importRequestHistory')).toEqual(api.callsOf('previewRequestHistoryImport'));
    expect(flashTexts(page)[0]).toBe('Request history imported. Imported: 2. Already imported: 1.');
    // Done: ready for the next file.
    expect(field(page, 'Requests file').findControl()?.findFileUpload()?.findFileTokens()).toHaveLength(0);
    expect(figure(page, 'Requests read')).toBeUndefined();
  });

  it('imports 2,500 items in 3 parts one after another, showing which part is being sent', async () => {
    const items = Array.from({ length: 2500 }, (_, i) => original(i));
    const { page, api } = renderPage();
    await previewFile(page, scanOutput(items));

    // Hold the second part until the page has shown its progress.
    const send = api.importRequestHistory;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let call = 0;
    api.importRequestHistory = async (value) => {
      call += 1;
      if (call === 2) await held;
      return send(value);
    };
    act(() => button(page, 'Import').click());
    await waitForElement(() => page.findModal());
    expect(modal(page).findContent().getElement().textContent).toContain(
      'Sent in 3 parts of at most 1,000 items, one after another.',
    );
    act(() => button(modal(page).findFooter() ?? modal(page), 'Import').click());
    const progress = await waitForElement(() =>
      page.findProgressBar()?.getElement().textContent?.includes('Part 2 of 3')
        ? page.findProgressBar()
        : null,
    );
    expect(progress?.getElement().textContent).toContain('Importing');
    // The second part is on its way, the third waits for it.
    expect(call).toBe(2);
    release();

    await waitForElement(() => flashTexts(page).length > 0);
    const sent = api.callsOf('importRequestHistory').map((c) => itemsOf(String(c[0])));
    expect(sent.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(flashTexts(page)[0]).toBe('Request history imported. Imported: 2,250. Already imported: 250.');
    expect(page.findProgressBar()).toBeNull();
  });

  it("shows the server's message and the part when a part fails, and says importing again continues", async () => {
    const items = Array.from({ length: 2500 }, (_, i) => original(i));
    const { page, api } = renderPage();
    await previewFile(page, scanOutput(items));
    // A failure that names no item (the write was throttled, the connection dropped).
    const message = 'Rate exceeded.';
    const send = api.importRequestHistory;
    let call = 0;
    api.importRequestHistory = (value) => {
      call += 1;
      return call === 2 ? Promise.reject(new ApiError('Throttled', message)) : send(value);
    };
    await confirmImport(page);

    const alert = await waitForElement(() => page.findAlert());
    expect(alert.findHeader()?.getElement().textContent).toBe('The import stopped at part 2 of 3');
    const content = alert.getElement().textContent ?? '';
    expect(content).toContain(message);
    expect(content).toContain('Part 2 holds items 1,001–2,000 of the file.');
    expect(content).toContain('Imported before it stopped: 900. Already imported: 100.');
    expect(content).toContain(
      'Importing the file again continues where it stopped: requests already imported are skipped.',
    );
    // The third part was not sent, and nothing says it succeeded.
    expect(call).toBe(2);
    expect(flashTexts(page)).toEqual([]);

    // Importing again sends the file again, from the first part.
    await confirmImport(page);
    await waitForElement(() => flashTexts(page).length > 0);
    expect(call).toBe(5);
  });
});

describe('Request history from the original TEAM: language', () => {
  it('speaks Japanese', async () => {
    const { page } = renderPage({ language: 'ja' });
    expect(text(page)).toContain('元の TEAM のリクエスト履歴');
    act(() => field(page, 'リクエスト').findControl()?.findTextarea()?.setTextareaValue(scanOutput(SMALL)));
    act(() => button(page, 'プレビュー').click());
    await waitForElement(() => figure(page, '読み込んだリクエスト'));
    expect(figure(page, 'インポート対象')).toBe('2');
    expect(figure(page, 'ステータス別')).toBe('終了 2取り消し済み 1');
    expect(figure(page, '作成日時')).toBe('2026年1月5日 9:00 UTC ～ 2026年3月2日 16:30 UTC');
    act(() => field(page, 'リクエスト').findControl()?.findTextarea()?.setTextareaValue('not json'));
    act(() => button(page, 'プレビュー').click());
    await settle();
    expect(field(page, 'リクエスト').findError()?.getElement().textContent).toContain('JSON ではありません');
  });
});
