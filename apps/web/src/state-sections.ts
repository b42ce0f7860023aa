/**
 * The state panel's sections from the pages of GET /v1/state loaded so far: pledges,
 * demands, agreed prices, closed commitments, programmes by status, active
 * deployments; each row marked when it is new or changed since the date shown
 * before, so that dragging the slider shows what moved. No DOM here.
 */
import { STATE_SECTION_NAMES } from './types';
import type { Commitment, Deployment, State, StateAnswer, StateSectionName, Track } from './types';

/** The state as the page holds it, from the first answer of GET /v1/state. */
export function loadedState(answer: StateAnswer): State {
  const state: State = {
    asOf: answer.asOf,
    knownAt: answer.knownAt,
    parties: answer.parties?.items ?? [],
    tracks: answer.tracks?.items ?? [],
    commitments: answer.commitments?.items ?? [],
    deployments: answer.deployments?.items ?? [],
    uncertain: answer.uncertain ?? false,
    totals: { parties: 0, tracks: 0, commitments: 0, deployments: 0 },
    next: { parties: null, tracks: null, commitments: null, deployments: null },
  };
  for (const name of STATE_SECTION_NAMES) {
    state.totals[name] = answer[name]?.total ?? 0;
    state.next[name] = answer[name]?.next ?? null;
  }
  return state;
}

/** The state with the next page of one section (an answer of its `next`) added after the pages before. */
export function withNextPage(state: State, name: StateSectionName, answer: StateAnswer): State {
  const page = answer[name];
  if (!page) return state;
  const next = { ...state, totals: { ...state.totals, [name]: page.total }, next: { ...state.next, [name]: page.next } };
  const uncertain = (page.items as { uncertain?: unknown }[]).some((item) => Array.isArray(item.uncertain) && item.uncertain.length > 0);
  return { ...next, [name]: [...state[name], ...page.items], uncertain: state.uncertain || uncertain };
}

/**
 * Whether an id of a section in `state` has been loaded or is known to be absent: pages come in
 * id order, so an id up to the last loaded one is on a loaded page or holds nowhere.
 */
function covers(state: State, name: StateSectionName, id: string, idOf: (item: never) => string): boolean {
  if (!state.next[name]) return true;
  const items = state[name] as never[];
  return items.length > 0 && id <= idOf(items[items.length - 1]);
}

export type Change = 'new' | 'changed' | undefined;

export interface Marked<T> {
  item: T;
  change: Change;
}

export interface StateSections {
  pledges: Marked<Commitment>[];
  demands: Marked<Commitment>[];
  prices: Marked<Commitment>[];
  closed: Marked<Commitment>[];
  programmes: { status: string; tracks: Marked<Track>[] }[];
  deployments: Marked<Deployment>[];
  /** Commitments that were there before and are not now. */
  gone: Commitment[];
  empty: boolean;
}

export interface PanelFilter {
  /** Rows by, to or about any of these parties; empty or absent means every party. */
  parties?: readonly string[];
  q?: string;
}

const PROGRAMME_ORDER = ['in_implementation', 'signed', 'agreed', 'proposed', 'stalled', 'completed', 'dropped'];
const CLOSED = new Set(['fulfilled', 'lapsed', 'withdrawn', 'broken', 'rejected']);

export function stateSections(state: State, previous: State | undefined, filter: PanelFilter): StateSections {
  const matches = matcher(filter);
  const commitments = state.commitments.filter((c) => matches([c.by, c.to], [c.title, c.kind, c.terms.description]));
  const tracks = state.tracks.filter((t) => matches(t.parties, [t.title, t.area, t.kind]));
  const deployments = state.deployments.filter((d) => matches([d.by, d.host], [d.asset, d.place ?? undefined]));

  const before = new Map((previous?.commitments ?? []).map((c) => [c.id, c]));
  const beforeTracks = new Map((previous?.tracks ?? []).map((t) => [t.trackId, t]));
  const beforeDeployments = new Set((previous?.deployments ?? []).map((d) => d.deploymentId));
  // A row absent from the pages loaded before is new only when those pages reached its id.
  const mark = <T>(item: T, old: unknown, known: boolean, same: (old: T) => boolean): Marked<T> => ({
    item,
    change: !previous ? undefined : old === undefined ? (known ? 'new' : undefined) : same(old as T) ? undefined : 'changed',
  });
  const commitmentId = (c: Commitment) => c.id;
  const markCommitment = (c: Commitment) =>
    mark(
      c,
      before.get(c.id),
      !previous || covers(previous, 'commitments', c.id, commitmentId),
      (old) => old.status === c.status && old.pledged === c.pledged && old.disbursed === c.disbursed && old.version === c.version,
    );

  const open = commitments.filter((c) => !CLOSED.has(c.status));
  const byStatus = new Map<string, Marked<Track>[]>();
  for (const track of tracks) {
    const marked = mark(
      track,
      beforeTracks.get(track.trackId),
      !previous || covers(previous, 'tracks', track.trackId, (t: Track) => t.trackId),
      (old) => old.status === track.status && old.deadlines.length === track.deadlines.length,
    );
    byStatus.set(track.status, [...(byStatus.get(track.status) ?? []), marked]);
  }
  const now = new Set(commitments.map((c) => c.id));
  return {
    pledges: open.filter((c) => c.status !== 'requested' && c.kind !== 'price').map(markCommitment),
    demands: open.filter((c) => c.status === 'requested').map(markCommitment),
    prices: open.filter((c) => c.status !== 'requested' && c.kind === 'price').map(markCommitment),
    closed: commitments.filter((c) => CLOSED.has(c.status)).map(markCommitment),
    programmes: [...byStatus.entries()]
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([status, list]) => ({ status, tracks: list.sort((a, b) => a.item.title.localeCompare(b.item.title)) })),
    deployments: deployments.map((d) => ({
      item: d,
      change:
        previous &&
        !beforeDeployments.has(d.deploymentId) &&
        covers(previous, 'deployments', d.deploymentId, (old: Deployment) => old.deploymentId)
          ? 'new'
          : undefined,
    })),
    // Gone: held before, and not on the pages loaded now though they reach its id.
    gone: (previous?.commitments ?? []).filter(
      (c) => !now.has(c.id) && covers(state, 'commitments', c.id, commitmentId) && matches([c.by, c.to], [c.title, c.kind]),
    ),
    empty:
      commitments.length + tracks.length + deployments.length === 0 &&
      !state.next.commitments &&
      !state.next.tracks &&
      !state.next.deployments,
  };
}

function rank(status: string): number {
  const index = PROGRAMME_ORDER.indexOf(status);
  return index < 0 ? PROGRAMME_ORDER.length : index;
}

function matcher(filter: PanelFilter) {
  const words = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return (parties: string[], texts: (string | null | undefined)[]) => {
    if (filter.parties?.length && !parties.some((party) => filter.parties!.includes(party))) return false;
    const haystack = texts.filter(Boolean).join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
  };
}
