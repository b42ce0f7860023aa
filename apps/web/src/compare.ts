/**
 * The comparison of two moments (GET /v1/state/diff): what was added, removed
 * and changed, field by field side by side — earlier, later — each change with
 * the source of its new value. Two dates, or the same date as known at two times.
 */
import { h } from './dom';
import { fieldRows, fieldValue, type Measure } from './fields';
import { compactAmount, formatDay, humanize } from './format';
import { citation } from './sources';
import type { Commitment, DiffChange, StateDiff } from './types';

export interface CompareActions {
  openCommitment(id: string, opener: HTMLElement): void;
}

/** "31 Mar 2021", or "1 Oct 2021, as known at 9 Sep 2021 12:00 UTC" when the knownAt sides differ. */
export function sideLabel(day: string, knownAt: string, otherKnownAt: string): string {
  const known = knownAt === otherKnownAt ? '' : `, as known at ${formatDay(knownAt)} ${knownAt.slice(11, 16)} UTC`;
  return `${formatDay(day)}${known}`;
}

export function renderComparison(target: HTMLElement, diff: StateDiff, actions: CompareActions): void {
  const earlier = sideLabel(diff.from, diff.fromKnownAt, diff.toKnownAt);
  const later = sideLabel(diff.to, diff.toKnownAt, diff.fromKnownAt);
  const open = (id: string, title: string) =>
    h(
      'button',
      {
        type: 'button',
        className: 'link',
        'data-commitment': id,
        onclick: (event: Event) => actions.openCommitment(id, event.currentTarget as HTMLElement),
      },
      title,
    );
  const total = diff.added.length + diff.removed.length + diff.changed.length;
  target.replaceChildren(
    h(
      'p',
      { className: 'caption', id: 'compare-caption' },
      `From ${earlier} to ${later}${diff.reportedBy ? `, as reported by ${formatDay(diff.reportedBy)}` : ''}: ${total ? `${total} commitment${total === 1 ? '' : 's'} changed` : 'nothing changed'}.`,
    ),
    block('Added', 'added', diff.added, ['Commitment', 'By → to', 'Status', 'Amount', 'Source'], (c) => [
      open(c.id, c.title),
      `${c.by} → ${c.to}`,
      humanize(c.status),
      compactAmount(c.pledged, c.currency, c.unit),
      citation(c.sources?.status ?? c.sources?.effectiveAt, 'status'),
    ]),
    block('Removed', 'removed', diff.removed, ['Commitment', 'By → to', 'Status then', 'Amount then', 'Source'], (c) => [
      open(c.id, c.title),
      `${c.by} → ${c.to}`,
      humanize(c.status),
      compactAmount(c.pledged, c.currency, c.unit),
      citation(c.sources?.status, 'status'),
    ]),
    changedBlock(diff, earlier, later, open),
  );
}

function block(title: string, id: string, rows: Commitment[], columns: string[], cells: (c: Commitment) => (Node | string)[]) {
  const heading = h('h3', { id: `compare-${id}` }, title, h('span', { className: 'count' }, String(rows.length)));
  if (!rows.length)
    return h('section', { 'aria-labelledby': `compare-${id}`, 'data-compare': id }, heading, h('p', { className: 'none' }, 'none'));
  return h(
    'section',
    { 'aria-labelledby': `compare-${id}`, 'data-compare': id },
    heading,
    h(
      'div',
      { className: 'panel-scroll' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col' }, column)))),
        h('tbody', {}, ...rows.map((c) => h('tr', { 'data-id': c.id }, ...cells(c).map((cell) => h('td', {}, cell))))),
      ),
    ),
  );
}

function changedBlock(diff: StateDiff, earlier: string, later: string, open: (id: string, title: string) => HTMLElement) {
  const heading = h('h3', { id: 'compare-changed' }, 'Changed', h('span', { className: 'count' }, String(diff.changed.length)));
  if (!diff.changed.length)
    return h(
      'section',
      { 'aria-labelledby': 'compare-changed', 'data-compare': 'changed' },
      heading,
      h('p', { className: 'none' }, 'none'),
    );
  return h(
    'section',
    { 'aria-labelledby': 'compare-changed', 'data-compare': 'changed' },
    heading,
    ...diff.changed.map((c) => {
      const measure = measureOf(c.changes, { currency: c.currency, unit: c.unit });
      return h(
        'div',
        { className: 'compare-item', 'data-id': c.id },
        h('h4', {}, open(c.id, c.title), ` · ${c.by} → ${c.to}`),
        h(
          'div',
          { className: 'panel-scroll' },
          h(
            'table',
            { className: 'changes' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'Field'),
                h('th', { scope: 'col' }, earlier),
                h('th', { scope: 'col' }, later),
                h('th', { scope: 'col' }, 'Source of the change'),
              ),
            ),
            h(
              'tbody',
              {},
              ...c.changes.map((change) => {
                const [row] = fieldRows([{ path: change.path, from: change.from, to: change.to }], measure.before, measure.after);
                const label = row?.label ?? change.path;
                return h(
                  'tr',
                  { 'data-path': change.path },
                  h('th', { scope: 'row' }, label),
                  h('td', { className: 'from', title: row?.fromTitle }, row?.from ?? fieldValue(change.path, change.from, measure.before)),
                  h('td', { className: 'to', title: row?.toTitle }, row?.to ?? fieldValue(change.path, change.to, measure.after)),
                  h('td', {}, citation(change.source, change.path)),
                );
              }),
            ),
          ),
        ),
      );
    }),
  );
}

/** The currency or unit on each side, from the changes themselves or from the amount's own. */
function measureOf(changes: DiffChange[], now: Measure): { before: Measure; after: Measure } {
  const find = (side: 'from' | 'to', name: 'currency' | 'unit') => {
    const change = changes.find((c) => c.path === name || c.path === `terms.${name}`);
    return change ? (change[side] as string | null) : undefined;
  };
  const known = (name: 'currency' | 'unit'): string | null | undefined => now[name] ?? find('to', name) ?? find('from', name);
  return {
    before: { currency: find('from', 'currency') ?? known('currency'), unit: find('from', 'unit') ?? known('unit') },
    after: { currency: find('to', 'currency') ?? known('currency'), unit: find('to', 'unit') ?? known('unit') },
  };
}
