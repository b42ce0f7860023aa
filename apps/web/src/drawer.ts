/**
 * The drawer: a commitment's history, version by version, with field-level
 * changes, sources with quotes and links, and corrections and retractions
 * marked; or, for other records, their events with sources.
 */
import { h } from './dom';
import { eventTypeLabel, formatDay, formatEffective } from './format';
import { fieldLabel, fieldRows, measureAfter, type FieldRow, type Measure } from './fields';
import { sourceBlock } from './sources';
import type { Commitment, History, HistoryVersion, TimelineEntry } from './types';

export function renderHistory(target: HTMLElement, history: History, current: Commitment | undefined): void {
  target.replaceChildren(
    current
      ? h(
          'p',
          { className: 'summary' },
          `${current.by} → ${current.to} · ${current.kind} · ${current.status.replace(/_/g, ' ')} · version ${current.version}`,
        )
      : h('p', { className: 'summary' }, 'Not in force on the date shown; its whole history follows.'),
    h('ol', { className: 'versions', 'aria-label': 'Versions, as recorded' }, ...versionItems(history.versions)),
  );
}

/** Each version's fields, amounts in the currency or unit in force at that version. */
function versionItems(versions: HistoryVersion[]) {
  let measure: Measure = {};
  return versions.map((version) => {
    const before = measure;
    measure = measureAfter(version.changes, before);
    return versionItem(version, fieldRows(version.changes, before, measure));
  });
}

function versionItem(version: HistoryVersion, rows: FieldRow[]) {
  const marks = [
    version.fixes?.kind === 'correction' ? h('span', { className: 'mark correction' }, 'Correction') : null,
    version.fixes?.kind === 'retraction' ? h('span', { className: 'mark retraction' }, 'Retraction') : null,
    version.correctedBy?.length ? h('span', { className: 'mark corrected' }, 'Corrected later') : null,
    version.retracted ? h('span', { className: 'mark retracted' }, 'Retracted later') : null,
    version.about ? h('span', { className: `mark ${version.about.kind}` }, ABOUT_MARKS[version.about.kind]) : null,
  ];
  const classes = [
    'version',
    version.fixes ? `is-${version.fixes.kind}` : '',
    version.about ? `is-${version.about.kind}` : '',
    version.correctedBy?.length ? 'is-corrected' : '',
    version.retracted ? 'is-retracted' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return h(
    'li',
    { className: classes, 'data-version': version.version },
    h('h3', {}, `v${version.version} · ${eventTypeLabel(version.type)}`, ...marks),
    h(
      'p',
      { className: 'meta' },
      `effective ${formatEffective(version.effectiveAt)} · recorded ${formatDay(version.recordedAt)} ${version.recordedAt.slice(11, 16)} UTC by ${version.actor} · ${version.confidence}`,
    ),
    version.fixes
      ? h(
          'p',
          { className: 'fixes' },
          `Fixes the ${eventTypeLabel(version.fixes.type).toLowerCase()} event ${version.fixes.eventId.slice(0, 8)}…`,
        )
      : null,
    version.correctedBy?.length
      ? h(
          'p',
          { className: 'fixes' },
          `Corrected by ${version.correctedBy.map((c) => `${c.eventId.slice(0, 8)}… on ${formatDay(c.recordedAt)}`).join(', ')}`,
        )
      : null,
    version.about
      ? h(
          'p',
          { className: 'fixes' },
          `${ABOUT_TEXT[version.about.kind]}${version.about.field ? ` (${fieldLabel(version.about.field)})` : ''} of event ${version.about.eventId.slice(0, 8)}…`,
        )
      : null,
    changesTable(rows),
    sourceBlock(version.source),
  );
}

/** A claim event marks its version: another source confirms, disputes, or the analyst chose. */
const ABOUT_MARKS = { corroboration: 'Corroboration', claim: 'Competing claim', choice: 'Claim chosen' } as const;
const ABOUT_TEXT = {
  corroboration: 'Another source confirms',
  claim: 'Another source gives another value',
  choice: 'The analyst chose a claim',
} as const;

function changesTable(rows: FieldRow[]) {
  if (!rows.length) return h('p', { className: 'none' }, 'no field changed');
  return h(
    'table',
    { className: 'changes' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'To'))),
    h(
      'tbody',
      {},
      ...rows.map((row) =>
        h(
          'tr',
          { 'data-path': row.path },
          h('th', { scope: 'row' }, row.label),
          h('td', { className: 'from', title: row.fromTitle }, row.from),
          h('td', { className: 'to', title: row.toTitle }, row.to),
        ),
      ),
    ),
  );
}

export function renderStream(target: HTMLElement, entries: TimelineEntry[]): void {
  target.replaceChildren(
    h(
      'ol',
      { className: 'versions' },
      ...entries.map((entry) =>
        h(
          'li',
          { className: 'version' },
          h('h3', {}, `${eventTypeLabel(entry.type)} · ${formatEffective(entry.effectiveAt)}`),
          h(
            'p',
            { className: 'meta' },
            `recorded ${formatDay(entry.recordedAt)} by ${entry.actor} · ${entry.confidence} · parties ${entry.parties.join(', ') || '–'}`,
          ),
          typeof entry.data.description === 'string' ? h('p', {}, entry.data.description) : null,
          sourceBlock(entry.source),
        ),
      ),
    ),
  );
}
