/** Renders the state panel: what was pledged, demanded, priced, agreed and deployed on the date. */
import { h } from './dom';
import { citation, citedFigure, type ValueFormat } from './sources';
import { compactAmount, formatAmount, formatDay, formatPartialDate, humanize } from './format';
import type { Change, Marked, StateSections } from './state-sections';
import type { Commitment, Deployment, State, StateSectionName, Track } from './types';

export interface PanelActions {
  openCommitment(id: string, opener: HTMLElement): void;
  /** Loads the next page of a section (its `next`) and draws the panel again. */
  showMore(section: StateSectionName): void;
}

const SECTION_WORDS: Record<StateSectionName, [string, string]> = {
  commitments: ['commitment', 'commitments'],
  tracks: ['programme', 'programmes'],
  deployments: ['active deployment', 'active deployments'],
  parties: ['party', 'parties'],
};
const TOTALS_ORDER: StateSectionName[] = ['commitments', 'tracks', 'deployments', 'parties'];

/**
 * Rows a section draws at once; "Show all" draws the rest. On a long history the state holds
 * thousands of rows, and drawing them all in one task stalls the page after every change of date.
 */
export const FIRST_ROWS = 100;

export function renderState(target: HTMLElement, state: State, sections: StateSections, actions: PanelActions): void {
  target.replaceChildren(totals(state, actions));
  if (sections.empty) {
    target.append(
      h(
        'div',
        { className: 'empty', 'data-testid': 'state-empty' },
        h('p', {}, `Nothing recorded was in force on ${formatDay(state.asOf)} as known at ${describeKnownAt(state.knownAt)}.`),
        h('p', { className: 'hint' }, 'Move the slider later, set “Known at” to now, or clear the filters.'),
      ),
    );
    return;
  }
  // The commitment's title, opening its history; "uncertain" beside it when a fact counted at asOf may not have happened yet.
  const commitmentButton = (c: Commitment) => {
    const cell = document.createDocumentFragment();
    cell.append(
      h(
        'button',
        {
          type: 'button',
          className: 'link',
          'data-commitment': c.id,
          onclick: (event: Event) => actions.openCommitment(c.id, event.currentTarget as HTMLElement),
        },
        c.title,
      ),
    );
    if (c.uncertain.length) cell.append(h('span', { className: 'change uncertain' }, 'uncertain'));
    return cell;
  };

  target.append(
    section(
      'Pledges',
      'pledges',
      sections.pledges,
      ['Commitment', 'By → to', 'Pledged', 'Disbursed', 'Outstanding', 'Source of the amount'],
      (c) => [
        commitmentButton(c),
        `${c.by} → ${c.to}`,
        money(c, c.pledged, 'terms.amount'),
        c.pledged === null ? '–' : money(c, c.disbursed, 'disbursed'),
        money(c, c.outstanding, 'disbursed', 'terms.amount'),
        cite(c, 'terms.amount', amountOf(c)),
      ],
    ),
    section('Demands', 'demands', sections.demands, ['Asked for', 'Of → by', 'Amount'], (c) => [
      commitmentButton(c),
      `${c.by} → ${c.to}`,
      money(c, c.pledged, 'terms.amount'),
    ]),
    section('Agreed prices', 'prices', sections.prices, ['Price', 'By → to', 'Price', 'Valid', 'Source of the price'], (c) => [
      commitmentButton(c),
      `${c.by} → ${c.to}`,
      money(c, c.pledged, 'terms.amount'),
      validity(c),
      cite(c, 'terms.amount', amountOf(c)),
    ]),
    programmes(sections.programmes),
    section(
      'Active deployments',
      'deployments',
      sections.deployments,
      ['Asset', 'Place', 'Whose → host', 'Since', 'Sources'],
      (d: Deployment) => [
        d.quantity ? h('span', {}, `${d.asset} (`, quantityOf(d, d.quantity), ')') : d.asset,
        d.place ?? '–',
        `${d.by} → ${d.host}`,
        formatDay(d.startedAt),
        deploymentSources(d),
      ],
    ),
    section(
      'Closed commitments',
      'closed',
      sections.closed,
      ['Commitment', 'By → to', 'Status', 'Pledged', 'Disbursed', 'Source of the status'],
      (c) => [
        commitmentButton(c),
        `${c.by} → ${c.to}`,
        c.lapsedAt && c.terms.validUntil ? `Lapsed: valid until ${formatPartialDate(c.terms.validUntil)}` : humanize(c.status),
        money(c, c.pledged, 'terms.amount'),
        c.disbursed === undefined ? '–' : money(c, c.disbursed, 'disbursed'),
        cite(c, 'status'),
      ],
    ),
  );
  if (sections.gone.length) {
    target.append(
      h('p', { className: 'gone' }, `No longer in force since the date shown before: ${sections.gone.map((c) => c.title).join('; ')}.`),
    );
  }
}

/**
 * How many of each hold on the date, whatever is loaded, and for a section not loaded whole, how
 * many are and a button that loads its next page. The sections below draw the loaded rows.
 */
function totals(state: State, actions: PanelActions) {
  const words = (name: StateSectionName, n: number) => `${n.toLocaleString('en-GB')} ${SECTION_WORDS[name][n === 1 ? 0 : 1]}`;
  return h(
    'div',
    { className: 'state-totals', 'data-testid': 'state-totals' },
    h(
      'p',
      {},
      'In force: ',
      ...TOTALS_ORDER.flatMap((name, index) => [index ? ' · ' : '', h('span', { 'data-total': name }, words(name, state.totals[name]))]),
      '.',
    ),
    ...TOTALS_ORDER.filter((name) => state.next[name]).map((name) =>
      h(
        'p',
        { className: 'more', 'data-more': name },
        `Showing ${state[name].length.toLocaleString('en-GB')} of ${words(name, state.totals[name])}. `,
        h(
          'button',
          {
            type: 'button',
            className: 'show-more',
            'data-testid': `show-more-${name}`,
            onclick: (event: Event) => {
              const button = event.currentTarget as HTMLButtonElement;
              button.disabled = true;
              button.textContent = 'Loading…';
              actions.showMore(name);
            },
          },
          `Show more ${SECTION_WORDS[name][1]}`,
        ),
      ),
    ),
  );
}

function section<T>(title: string, id: string, rows: Marked<T>[], columns: string[], cells: (item: T) => (Node | string)[]) {
  const heading = h('h3', { id: `state-${id}` }, title, h('span', { className: 'count' }, String(rows.length)));
  if (!rows.length)
    return h('section', { 'aria-labelledby': `state-${id}`, 'data-section': id }, heading, h('p', { className: 'none' }, 'none'));
  const row = ({ item, change }: Marked<T>) =>
    h(
      'tr',
      { className: change ? `is-${change}` : undefined },
      ...cells(item).map((cell, index) => h('td', {}, cell, index === 0 ? changeBadge(change) : null)),
    );
  const body = h('tbody', {}, ...rows.slice(0, FIRST_ROWS).map(row));
  return h(
    'section',
    { 'aria-labelledby': `state-${id}`, 'data-section': id },
    heading,
    h('table', {}, h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col' }, column)))), body),
    showAll(
      rows.slice(FIRST_ROWS),
      title,
      (rest) => body.append(...rest.map(row)),
      () => body.rows[FIRST_ROWS],
    ),
  );
}

/** "Show all": draws the rows left out, then moves focus to the first of them. */
function showAll<T>(rest: T[], title: string, draw: (rest: T[]) => void, first: () => Element | undefined) {
  if (!rest.length) return null;
  const button = h(
    'button',
    {
      type: 'button',
      className: 'show-all',
      onclick: () => {
        draw(rest);
        const next = first();
        button.remove();
        const target = next?.querySelector<HTMLElement>('button, a, [tabindex]') ?? undefined;
        target?.focus();
      },
    },
    `Show all ${FIRST_ROWS + rest.length} ${title.toLowerCase()} (${rest.length} more)`,
  );
  return button;
}

function programmes(groups: StateSections['programmes']) {
  const heading = h(
    'h3',
    { id: 'state-programmes' },
    'Programmes and agreements',
    h('span', { className: 'count' }, String(groups.reduce((n, g) => n + g.tracks.length, 0))),
  );
  return h(
    'section',
    { 'aria-labelledby': 'state-programmes', 'data-section': 'programmes' },
    heading,
    groups.length ? null : h('p', { className: 'none' }, 'none'),
    ...groups.map(({ status, tracks }) =>
      h(
        'div',
        { className: `programme-group status-${status}` },
        h('h4', {}, humanize(status), h('span', { className: 'count' }, String(tracks.length))),
        listWithShowAll(tracks, `${humanize(status)} programmes`, ({ item, change }) =>
          h('li', { className: change ? `is-${change}` : undefined }, programmeLine(item), changeBadge(change)),
        ),
      ),
    ),
  );
}

function listWithShowAll<T>(items: T[], title: string, line: (item: T) => HTMLElement) {
  const list = h('ul', {}, ...items.slice(0, FIRST_ROWS).map(line));
  const fragment = document.createDocumentFragment();
  fragment.append(list);
  const button = showAll(
    items.slice(FIRST_ROWS),
    title,
    (rest) => list.append(...rest.map(line)),
    () => list.children[FIRST_ROWS],
  );
  if (button) fragment.append(button);
  return fragment;
}

function programmeLine(track: Track) {
  const deadlines = track.deadlines.map((d) => `due ${formatPartialDate(d.due)}${d.description ? `: ${d.description}` : ''}`);
  return h(
    'span',
    {},
    h('strong', {}, track.title),
    ` · ${track.parties.join(', ')}`,
    deadlines.length ? h('span', { className: 'deadlines' }, ` · ${deadlines.join(' · ')}`) : null,
  );
}

/** The source of a fact's current value, which opens to the whole source (and to every claim when sources disagree). */
function cite(c: Commitment, path: string, format?: ValueFormat) {
  return citation(c.sources?.[path], path, format);
}

/** A claimed amount as the commitment's own figures read: `$630m`. */
function amountOf(c: Commitment): ValueFormat {
  return (value) => compactAmount(value, c.currency, c.unit);
}

/**
 * A deployment's sources: the one its asset rests on (with those that confirm it) and, when
 * sources disagree on when it began, its start's claims.
 */
function deploymentSources(d: Deployment) {
  const start = d.sources?.effectiveAt;
  return h(
    'span',
    { className: 'cites' },
    citation(d.sources?.asset, 'asset'),
    start?.claims && start.claims.claims.length > 1
      ? h(
          'span',
          {},
          ' · since: ',
          citation(start, 'effectiveAt', (value) => value.split('/').map(formatPartialDate).join(' to ')),
        )
      : null,
  );
}

/** A deployment's count with its unit, opening to the source that gives it. */
function quantityOf(d: Deployment, quantity: string) {
  const text = formatAmount(quantity, null, d.unit);
  return citedFigure(text, text, d.sources?.quantity, 'quantity');
}

/** A commitment's figure, opening to the source of the fact it rests on (the first of `paths` that has one). */
function money(c: Commitment, amount: string | null | undefined, ...paths: string[]) {
  const unit = paths[0] === 'terms.amount' ? c.unit : undefined;
  const text = compactAmount(amount, c.currency, unit);
  if (amount === null || amount === undefined) return h('span', {}, text);
  const path = paths.find((p) => c.sources?.[p]) ?? paths[0];
  return citedFigure(text, formatAmount(amount, c.currency, unit), c.sources?.[path], path, (value) =>
    compactAmount(value, c.currency, unit),
  );
}

function validity(c: Commitment): string {
  const { validFrom, validUntil } = c.terms;
  if (!validFrom && !validUntil) return 'not stated';
  return `${validFrom ? formatPartialDate(validFrom) : '…'} – ${validUntil ? formatPartialDate(validUntil) : '…'}`;
}

function changeBadge(change: Change) {
  return change ? h('span', { className: `change ${change}` }, change === 'new' ? 'new' : 'changed') : null;
}

function describeKnownAt(knownAt: string): string {
  return Math.abs(Date.parse(knownAt) - Date.now()) < 60_000 ? 'now' : `${formatDay(knownAt)} ${knownAt.slice(11, 16)} UTC`;
}
