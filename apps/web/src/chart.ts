/**
 * Pledged against delivered: for each party pair and currency, a line chart over
 * valid time, quarter by quarter up to the date shown, all as of the chosen
 * knownAt — pledged, disbursed, outstanding and demanded from GET /v1/ledger,
 * and commitments that had lapsed or were broken by then (GET /v1/commitments)
 * as marked points of their own. A point (or its row in the table beside, for
 * the keyboard) opens the commitments behind it. Chart.js, bundled.
 */
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { allPages, getJson } from './api';
import { h } from './dom';
import { compactAmount, formatAmount, formatDay, humanize } from './format';
import { citation } from './sources';
import type { Commitment, Ledger, LedgerRow } from './types';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend);

export const SERIES = ['pledged', 'disbursed', 'outstanding', 'demanded', 'lapsed', 'broken'] as const;
export type Series = (typeof SERIES)[number];

/** One party pair and currency: a figure per series and sample date, and the commitments behind each date. */
export interface PairChart {
  key: string;
  by: string;
  to: string;
  currency: string;
  days: string[];
  values: Record<Series, number[]>;
  behind: Commitment[][];
}

const COLORS: Record<Series, string> = {
  pledged: '#2e7d32',
  disbursed: '#1565c0',
  outstanding: '#ef6c00',
  demanded: '#8e24aa',
  lapsed: '#6d6d6d',
  broken: '#c62828',
};

/** Quarter ends from January of `startYear` to `last`, and `last` itself. */
export function sampleDays(startYear: number, last: string): string[] {
  const days: string[] = [];
  for (let year = startYear; ; year++) {
    for (const end of ['03-31', '06-30', '09-30', '12-31']) {
      const day = `${year}-${end}`;
      if (day >= last) return [...days, last];
      days.push(day);
    }
  }
}

/** Sums a number of decimal strings as numbers: for drawing only; the tables and tooltips show the API's own figures. */
function add(a: number, b: string | null | undefined): number {
  return a + (b ? Number(b) : 0);
}

export function pairCharts(days: string[], ledgers: LedgerRow[][], commitments: Commitment[][]): PairChart[] {
  const charts = new Map<string, PairChart>();
  const chartOf = (by: string, to: string, currency: string) => {
    const key = `${by}→${to} ${currency}`;
    let chart = charts.get(key);
    if (!chart) {
      const zeros = () => days.map(() => 0);
      chart = {
        key,
        by,
        to,
        currency,
        days,
        values: { pledged: zeros(), disbursed: zeros(), outstanding: zeros(), demanded: zeros(), lapsed: zeros(), broken: zeros() },
        behind: days.map(() => []),
      };
      charts.set(key, chart);
    }
    return chart;
  };
  days.forEach((_, i) => {
    for (const row of ledgers[i]) {
      const chart = chartOf(row.by, row.to, row.currency);
      chart.values.pledged[i] = add(chart.values.pledged[i], row.pledged);
      chart.values.disbursed[i] = add(chart.values.disbursed[i], row.disbursed);
      chart.values.outstanding[i] = add(chart.values.outstanding[i], row.outstanding);
      chart.values.demanded[i] = add(chart.values.demanded[i], row.requested);
    }
    for (const c of commitments[i]) {
      if (!c.currency || c.kind === 'price') continue;
      const chart = chartOf(c.by, c.to, c.currency);
      chart.behind[i].push(c);
      if (c.status === 'lapsed') chart.values.lapsed[i] = add(chart.values.lapsed[i], c.pledged ?? c.terms.amount);
      if (c.status === 'broken') chart.values.broken[i] = add(chart.values.broken[i], c.pledged ?? c.terms.amount);
    }
  });
  return [...charts.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export interface ChartActions {
  openCommitment(id: string, opener: HTMLElement): void;
  /** The date whose commitments are listed, kept in the URL. */
  select(day: string | undefined): void;
}

let drawn: Chart[] = [];

/** Loads the samples (four at a time) and draws a chart per party pair and currency. */
export async function loadCharts(
  target: HTMLElement,
  query: { startYear: number; last: string; knownAt?: string; reportedBy?: string; parties?: readonly string[]; selected?: string },
  actions: ChartActions,
  signal: AbortSignal,
): Promise<PairChart[]> {
  const days = sampleDays(query.startYear, query.last);
  const ledgers: LedgerRow[][] = [];
  const commitments: Commitment[][] = [];
  for (let i = 0; i < days.length; i += 4) {
    await Promise.all(
      days.slice(i, i + 4).map(async (day, j) => {
        const [ledger, list] = await Promise.all([
          getJson<Ledger>('/v1/ledger', { asOf: day, knownAt: query.knownAt, reportedBy: query.reportedBy }, signal),
          allPages<Commitment>(
            '/v1/commitments',
            { asOf: day, knownAt: query.knownAt, reportedBy: query.reportedBy, party: query.parties?.join(',') || undefined },
            signal,
          ),
        ]);
        ledgers[i + j] = ledger.rows.filter(
          (row) => !query.parties?.length || query.parties.includes(row.by) || query.parties.includes(row.to),
        );
        commitments[i + j] = list;
      }),
    );
  }
  const charts = pairCharts(days, ledgers, commitments);
  renderCharts(target, charts, query, actions);
  return charts;
}

function renderCharts(
  target: HTMLElement,
  charts: PairChart[],
  query: { knownAt?: string; reportedBy?: string; selected?: string },
  actions: ChartActions,
): void {
  for (const chart of drawn) chart.destroy();
  drawn = [];
  const known = `${query.knownAt ? `as known at ${formatDay(query.knownAt)} ${query.knownAt.slice(11, 16)} UTC` : 'as known now'}${query.reportedBy ? `, as reported by ${formatDay(`${query.reportedBy}T00:00:00Z`)}` : ''}`;
  target.replaceChildren(
    h(
      'p',
      { className: 'caption' },
      `Quarter by quarter, ${known}. Lapsed and broken commitments are marked points (✕ broken, ◆ lapsed). Click a point, or use a row of the table, to list the commitments behind it.`,
    ),
  );
  if (!charts.length) {
    target.append(h('p', { className: 'empty' }, 'No pledged or demanded sums on these dates.'));
    return;
  }
  for (const pair of charts) target.append(pairFigure(pair, query.selected, actions));
}

function pairFigure(pair: PairChart, selected: string | undefined, actions: ChartActions) {
  const canvas = h('canvas', {
    role: 'img',
    'aria-label': `${pair.key}: pledged, disbursed, outstanding and demanded over time; the table below has the figures`,
  });
  const behind = h('div', { className: 'behind', 'aria-live': 'polite' });
  const show = (index: number, opener?: HTMLElement) => {
    actions.select(pair.days[index]);
    renderBehind(behind, pair, index, actions);
    if (opener) behind.querySelector<HTMLElement>('button')?.focus();
  };
  const figure = h(
    'figure',
    { className: 'pair-chart', 'data-pair': pair.key },
    h('figcaption', {}, h('strong', {}, `${pair.by} → ${pair.to}`), ` in ${pair.currency}`),
    h('div', { className: 'chart-box' }, canvas),
    figuresTable(pair, (index, button) => show(index, button)),
    behind,
  );
  const config: ChartConfiguration<'line', number[], string> = {
    type: 'line',
    data: {
      labels: pair.days,
      datasets: SERIES.map((series) => ({
        label: series,
        data: pair.values[series],
        borderColor: COLORS[series],
        backgroundColor: COLORS[series],
        borderDash: series === 'lapsed' || series === 'broken' ? [4, 4] : undefined,
        pointStyle: series === 'broken' ? 'crossRot' : series === 'lapsed' ? 'rectRot' : 'circle',
        pointRadius: series === 'lapsed' || series === 'broken' ? pair.values[series].map((v) => (v ? 6 : 0)) : 3,
        stepped: true,
        hidden: pair.values[series].every((v) => v === 0) && (series === 'lapsed' || series === 'broken'),
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: { y: { beginAtZero: true, ticks: { callback: (value) => compactAmount(String(value), pair.currency) } } },
      plugins: {
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${compactAmount(String(item.parsed.y), pair.currency)}` } },
      },
      onClick: (_event, elements) => {
        if (elements.length) show(elements[0].index);
      },
    },
  };
  // Chart.js measures its box: draw once the figure is in the page.
  requestAnimationFrame(() => drawn.push(new Chart(canvas, config)));
  const at = selected ? pair.days.indexOf(selected) : -1;
  if (at >= 0) renderBehind(behind, pair, at, actions);
  return figure;
}

function figuresTable(pair: PairChart, show: (index: number, button: HTMLElement) => void) {
  return h(
    'details',
    { className: 'figures' },
    h('summary', {}, 'Figures as a table'),
    h(
      'div',
      { className: 'panel-scroll' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, 'As of'), ...SERIES.map((series) => h('th', { scope: 'col' }, humanize(series)))),
        ),
        h(
          'tbody',
          {},
          ...pair.days.map((day, index) =>
            h(
              'tr',
              { 'data-day': day },
              h(
                'th',
                { scope: 'row' },
                h(
                  'button',
                  { type: 'button', className: 'link', onclick: (event: Event) => show(index, event.currentTarget as HTMLElement) },
                  formatDay(`${day}T00:00:00Z`),
                ),
              ),
              ...SERIES.map((series) =>
                h(
                  'td',
                  {
                    'data-series': series,
                    'data-value': pair.values[series][index],
                    title: formatAmount(String(pair.values[series][index]), pair.currency),
                  },
                  compactAmount(String(pair.values[series][index]), pair.currency),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

const ROLE: Record<string, Series> = { requested: 'demanded', lapsed: 'lapsed', broken: 'broken' };

function renderBehind(target: HTMLElement, pair: PairChart, index: number, actions: ChartActions): void {
  const day = pair.days[index];
  const list = pair.behind[index];
  target.replaceChildren(
    h('h4', {}, `Behind ${pair.key} on ${formatDay(`${day}T00:00:00Z`)}`),
    list.length
      ? h(
          'ul',
          { className: 'behind-list' },
          ...list.map((c) =>
            h(
              'li',
              { className: `status-${c.status}`, 'data-commitment-id': c.id },
              h(
                'button',
                {
                  type: 'button',
                  className: 'link',
                  onclick: (event: Event) => actions.openCommitment(c.id, event.currentTarget as HTMLElement),
                },
                c.title,
              ),
              h('span', { className: `mark role-${ROLE[c.status] ?? 'pledged'}` }, humanize(c.status)),
              ` ${compactAmount(c.pledged ?? c.terms.amount, c.currency, c.unit)}`,
              c.disbursed && c.disbursed !== '0' ? `, disbursed ${compactAmount(c.disbursed, c.currency)}` : '',
              ' · ',
              citation(c.sources?.['terms.amount'], 'terms.amount'),
            ),
          ),
        )
      : h('p', { className: 'none' }, 'none'),
    h('p', { className: 'hint' }, `Full figures: pledged ${formatAmount(String(pair.values.pledged[index]), pair.currency)}.`),
  );
}
