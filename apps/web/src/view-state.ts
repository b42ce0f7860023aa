/**
 * What the page shows, kept in the URL so that a view can be shared:
 * `/?asOf=2021-10-01&knownAt=2026-01-01T12:00:00Z&reportedBy=2021-09-30&party=BY,RU&type=CommitmentRecorded&q=loan&group=party&commitment=<id>`,
 * and the pane on the right: `panel=compare&from=2021-03-31&to=2021-10-01&fromKnownAt=…&toKnownAt=…` or `panel=chart&chartAt=2021-12-31`.
 * No DOM here: parsing and writing are plain functions, tested as such.
 */

export type GroupBy = 'kind' | 'party';

/** What the right-hand pane shows: the state on the date, a comparison of two moments, or pledged against delivered. */
export type Panel = 'state' | 'compare' | 'chart';

/** Two moments to compare: two dates (valid time) and, optionally, two knownAt times. */
export interface Comparison {
  from?: string;
  to?: string;
  fromKnownAt?: string;
  toKnownAt?: string;
}

export interface ViewState {
  /** A day `YYYY-MM-DD`; absent means today. */
  asOf?: string;
  /** An instant or a day; absent means now. */
  knownAt?: string;
  /** A day `YYYY-MM-DD`: only what the sources had published by its end; absent means every source. */
  reportedBy?: string;
  /** Party codes: what is by, to or about any of them; empty means every party. */
  parties: string[];
  /** Event types, as the API's `type` filter takes them. */
  types: string[];
  q?: string;
  group: GroupBy;
  /** The commitment whose drawer is open. */
  commitment?: string;
  panel: Panel;
  compare: Comparison;
  /** The chart's date whose commitments are listed. */
  chartAt?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const PARTY = /^[A-Z][A-Z0-9-]{1,15}$/;
const TYPE = /^[A-Z][A-Za-z]{2,60}$/;
const ID = /^[0-9a-f-]{8,64}$/i;

/** Reads a query string; values that cannot be right are dropped, not guessed at. */
export function parseView(search: string): ViewState {
  const params = new URLSearchParams(search);
  const read = (name: string, pattern: RegExp) => {
    const value = params.get(name)?.trim();
    return value && pattern.test(value) ? value : undefined;
  };
  const list = (name: string, pattern: RegExp) => [
    ...new Set(
      (params.get(name) ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => pattern.test(item)),
    ),
  ];
  const q = params.get('q')?.trim().slice(0, 200);
  return {
    asOf: read('asOf', DAY),
    knownAt: read('knownAt', INSTANT),
    reportedBy: read('reportedBy', DAY),
    parties: list('party', PARTY).slice(0, 20),
    types: list('type', TYPE),
    q: q || undefined,
    group: params.get('group') === 'party' ? 'party' : 'kind',
    commitment: read('commitment', ID),
    panel: params.get('panel') === 'compare' ? 'compare' : params.get('panel') === 'chart' ? 'chart' : 'state',
    chartAt: read('chartAt', DAY),
    compare: {
      from: read('from', DAY),
      to: read('to', DAY),
      fromKnownAt: read('fromKnownAt', INSTANT),
      toKnownAt: read('toKnownAt', INSTANT),
    },
  };
}

/** The query string of a view, in a stable order, without defaults. */
export function serializeView(view: ViewState): string {
  const params = new URLSearchParams();
  if (view.asOf) params.set('asOf', view.asOf);
  if (view.knownAt) params.set('knownAt', view.knownAt);
  if (view.reportedBy) params.set('reportedBy', view.reportedBy);
  if (view.parties.length) params.set('party', view.parties.join(','));
  if (view.types.length) params.set('type', view.types.join(','));
  if (view.q) params.set('q', view.q);
  if (view.group !== 'kind') params.set('group', view.group);
  if (view.commitment) params.set('commitment', view.commitment);
  if (view.panel !== 'state') params.set('panel', view.panel);
  if (view.compare.from) params.set('from', view.compare.from);
  if (view.compare.to) params.set('to', view.compare.to);
  if (view.compare.fromKnownAt) params.set('fromKnownAt', view.compare.fromKnownAt);
  if (view.compare.toKnownAt) params.set('toKnownAt', view.compare.toKnownAt);
  if (view.chartAt) params.set('chartAt', view.chartAt);
  const query = params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
  return query ? `?${query}` : '';
}
