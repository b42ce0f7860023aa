/** What is being negotiated: a programme (the 28 union programmes), an agreement, a reform, a union, a plan. */
export type TrackKind = 'program' | 'agreement' | 'reform' | 'union' | 'plan';

export const TRACK_KINDS: readonly TrackKind[] = ['program', 'agreement', 'reform', 'union', 'plan'];

export function isTrackKind(value: unknown): value is TrackKind {
  return TRACK_KINDS.includes(value as TrackKind);
}

/** `completed` and `dropped` close a track: nothing changes on it after them. */
export type ClosedTrackStatus = 'completed' | 'dropped';
export type OpenTrackStatus = 'proposed' | 'agreed' | 'signed' | 'in_implementation' | 'stalled';
export type TrackStatus = OpenTrackStatus | ClosedTrackStatus;

export const TRACK_STATUSES: readonly TrackStatus[] = [
  'proposed',
  'agreed',
  'signed',
  'in_implementation',
  'completed',
  'stalled',
  'dropped',
];

export const CLOSED_TRACK_STATUSES: readonly ClosedTrackStatus[] = ['completed', 'dropped'];

export function isTrackStatus(value: unknown): value is TrackStatus {
  return TRACK_STATUSES.includes(value as TrackStatus);
}

export function isClosedTrackStatus(status: TrackStatus): status is ClosedTrackStatus {
  return CLOSED_TRACK_STATUSES.includes(status as ClosedTrackStatus);
}

/** The id of a deadline within its track: `gas-market`, `tax-code-2021`. */
export const DEADLINE_ID = /^[a-z0-9-]{1,60}$/;

export function isDeadlineId(value: unknown): value is string {
  return typeof value === 'string' && DEADLINE_ID.test(value);
}
