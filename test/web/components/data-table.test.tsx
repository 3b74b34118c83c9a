// @vitest-environment jsdom
import { act, fireEvent } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DataTable, type ColumnSpec } from '../../../web/src/components/data-table';
import { excerpt, LongText } from '../../../web/src/components/table-cells';
import MyRequestsPage from '../../../web/src/pages/my-requests/my-requests-page';
import { ALICE, BOB, me, memoryData, request } from '../support/data';
import { MemoryTeamApi } from '../support/memory-api';
import { renderWithApp, setupWebTests, tableLoaded, type PageWrapper } from '../support/render';

setupWebTests();

const headers = (page: PageWrapper) =>
  (page.findTable()?.findColumnHeaders() ?? []).map((h) => h.getElement().textContent ?? '');

const headerCell = (page: PageWrapper, text: string) =>
  (page.findTable()?.findColumnHeaders() ?? []).find((h) => h.getElement().textContent === text);

function stored(key: string, preferences: Record<string, unknown>): void {
  localStorage.setItem(
    key,
    JSON.stringify({ pageSize: 20, wrapLines: false, contentDisplay: [], ...preferences }),
  );
}

describe('table preferences', () => {
  const api = () =>
    new MemoryTeamApi(memoryData({ requests: [request({ requester: ALICE, justification: 'Short one' })] }));

  it('are kept per person: one person’s hidden columns and widths are not another’s', async () => {
    stored(`team.table.${ALICE.id}.my-requests`, {
      contentDisplay: [
        { id: 'accountRole', visible: true },
        { id: 'startTime', visible: false },
      ],
      widths: { accountRole: 321, gone: 99 },
    });
    const alice = renderWithApp(<MyRequestsPage />, { api: api(), path: '/requests' });
    await tableLoaded(alice.page);
    expect(headers(alice.page)).not.toContain('Start');
    expect(headerCell(alice.page, 'Account and role')?.getElement().style.width).toBe('321px');
    // The columns the stored preferences did not know are shown as by default, the width of a
    // column that is gone is dropped.
    expect(headers(alice.page)).toContain('Justification');
    expect(headers(alice.page)).not.toContain('Ticket number');
  });

  it('start from the defaults for someone else, and from the per-table ones kept before', async () => {
    stored(`team.table.${ALICE.id}.my-requests`, {
      contentDisplay: [{ id: 'startTime', visible: false }],
    });
    const bob = renderWithApp(<MyRequestsPage />, {
      api: api(),
      path: '/requests',
      me: me({ userId: BOB.id, userName: BOB.email }),
    });
    await tableLoaded(bob.page);
    expect(headers(bob.page)).toContain('Start');
  });

  it('read the preferences kept per table before they were kept per person', async () => {
    stored('team.table.my-requests', { contentDisplay: [{ id: 'startTime', visible: false }] });
    const { page } = renderWithApp(<MyRequestsPage />, { api: api(), path: '/requests' });
    await tableLoaded(page);
    expect(headers(page)).not.toContain('Start');
  });
});

interface Row {
  id: string;
  name: string;
  note: string;
}

const COLUMNS: ColumnSpec<Row>[] = [
  {
    id: 'name',
    header: 'Name',
    text: (r) => r.name,
    cell: (r) => r.name,
    wrap: true,
    width: 200,
    minWidth: 150,
  },
  { id: 'note', header: 'Note', text: (r) => r.note, cell: (r) => r.note },
];

function Table(props: { wrapLines?: boolean }) {
  return (
    <DataTable<Row>
      id="rows"
      title="Rows"
      ariaLabel="Rows"
      items={[{ id: '1', name: 'A name that wraps', note: 'A note cut on a narrow column' }]}
      trackBy={(r) => r.id}
      itemLabel={(r) => r.name}
      columns={COLUMNS}
      loading={false}
      emptyTitle="None"
      wrapLines={props.wrapLines}
    />
  );
}

describe('cells', () => {
  it('of a wrapping column wrap while the lines are not; the others show their whole text on hover', async () => {
    const { page } = renderWithApp(<Table />, { api: new MemoryTeamApi(memoryData()) });
    await tableLoaded(page);
    const name = page.findTable()?.findBodyCell(1, 1)?.getElement().firstElementChild;
    const note = page.findTable()?.findBodyCell(1, 2)?.getElement();
    expect(name?.querySelector<HTMLElement>('span')?.style.whiteSpace).toBe('normal');
    expect(note?.querySelector('[title]')?.getAttribute('title')).toBe('A note cut on a narrow column');
  });

  it('have neither when the table wraps its lines', async () => {
    const { page } = renderWithApp(<Table wrapLines />, { api: new MemoryTeamApi(memoryData()) });
    await tableLoaded(page);
    expect(page.findTable()?.findBodyCell(1, 2)?.getElement().querySelector('[title]')).toBeNull();
  });

  it('keep the widths a column drag ends with, under the key of the person who dragged', async () => {
    const { page } = renderWithApp(<Table />, { api: new MemoryTeamApi(memoryData()) });
    await tableLoaded(page);
    const resizer = page.findTable()?.findColumnResizer(1)?.getElement();
    if (!resizer) throw new Error('no resizer');
    // jsdom lays nothing out, so the drag moves nothing: the widths it ends with are the columns'
    // own (the note's Cloudscape's default), in column order, by column id.
    act(() => {
      fireEvent.pointerDown(resizer, { pointerType: 'mouse', button: 0 });
    });
    act(() => {
      fireEvent.pointerMove(document, { clientX: 20 });
      fireEvent.pointerUp(document, { clientX: 20 });
    });
    const kept = JSON.parse(localStorage.getItem(`team.table.${ALICE.id}.rows`) ?? '{}') as {
      widths?: Record<string, number>;
    };
    expect(kept.widths).toEqual({ name: 200, note: 120 });
  });
});

describe('long text', () => {
  it('is cut after a word near the limit, CJK counting double', () => {
    expect(excerpt('short', 10)).toBeUndefined();
    expect(excerpt('one two three four', 10)).toBe('one two…');
    expect(excerpt('本番障害の調査のため', 10)).toBe('本番障害の…');
  });

  it('shows an excerpt with "Show more", which shows all of it in place', async () => {
    const text = `${'A justification that goes on. '.repeat(8)}The end.`;
    const { page } = renderWithApp(<LongText text={text} />, { api: new MemoryTeamApi(memoryData()) });
    const more = page.findButton();
    expect(page.getElement().textContent).not.toContain('The end.');
    expect(more?.getElement().getAttribute('aria-expanded')).toBe('false');
    act(() => more?.click());
    expect(page.getElement().textContent).toContain('The end.');
    expect(page.findButton()?.getElement().textContent).toBe('Show less');
  });
});
