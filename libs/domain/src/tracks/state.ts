import type { TrackKind, TrackStatus } from './vocabulary';

export interface NoTrack {
  readonly status: 'none';
}

export interface TrackDeadline {
  readonly deadlineId: string;
  readonly description: string;
  /** Effective-time text, as set. */
  readonly due: string;
}

export interface Track {
  readonly status: TrackStatus;
  readonly trackId: string;
  readonly title: string;
  readonly area: string;
  readonly kind: TrackKind;
  readonly parties: readonly string[];
  readonly description?: string;
  /** In the order they were first set; moving a deadline keeps its place. */
  readonly deadlines: readonly TrackDeadline[];
}

export type TrackState = NoTrack | Track;

export function initialTrackState(): TrackState {
  return { status: 'none' };
}

export function trackExists(state: TrackState): state is Track {
  return state.status !== 'none';
}

export function findDeadline(state: TrackState, deadlineId: string): TrackDeadline | undefined {
  return trackExists(state) ? state.deadlines.find((deadline) => deadline.deadlineId === deadlineId) : undefined;
}
