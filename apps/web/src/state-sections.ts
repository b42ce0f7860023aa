/**
 * The state panel's sections from one answer of GET /v1/state: pledges,
 * demands, agreed prices, closed commitments, programmes by status, active
 * deployments; each row marked when it is new or changed since the date shown
 * before, so that dragging the slider shows what moved. No DOM here.
 */
import type { Commitment, Deployment, State, Track } from './types';

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
  const mark = <T>(item: T, old: unknown, same: (old: T) => boolean): Marked<T> => ({
    item,
    change: !previous ? undefined : old === undefined ? 'new' : same(old as T) ? undefined : 'changed',
  });
  const markCommitment = (c: Commitment) =>
    mark(
      c,
      before.get(c.id),
      (old) => old.status === c.status && old.pledged === c.pledged && old.disbursed === c.disbursed && old.version === c.version,
    );

  const open = commitments.filter((c) => !CLOSED.has(c.status));
  const byStatus = new Map<string, Marked<Track>[]>();
  for (const track of tracks) {
    const marked = mark(
      track,
      beforeTracks.get(track.trackId),
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
    deployments: deployments.map((d) => ({ item: d, change: previous && !beforeDeployments.has(d.deploymentId) ? 'new' : undefined })),
    gone: (previous?.commitments ?? []).filter((c) => !now.has(c.id) && matches([c.by, c.to], [c.title, c.kind])),
    empty: commitments.length + tracks.length + deployments.length === 0,
  };
}

function rank(status: string): number {
  const index = PROGRAMME_ORDER.indexOf(status);
  return index < 0 ? PROGRAMME_ORDER.length : index;
}

function matcher(filter: PanelFilter) {
  const words = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return (parties: string[], texts: (string | undefined)[]) => {
    if (filter.parties?.length && !parties.some((party) => filter.parties!.includes(party))) return false;
    const haystack = texts.filter(Boolean).join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
  };
}
