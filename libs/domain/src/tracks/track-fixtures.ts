import type {
  ChangeTrackStatus,
  OpenTrack,
  SetTrackDeadline,
  TrackDeadlineSet,
  TrackOpened,
  TrackStatus,
  TrackStatusChanged,
} from './track';

/** The tax code programme of the 28 union programmes, for tests. */
export const TRACK_ID = 't-tax-code';

export const openTrack = (overrides: Partial<OpenTrack['data']> = {}): OpenTrack => ({
  type: 'OpenTrack',
  data: {
    trackId: TRACK_ID,
    title: 'Harmonisation of tax legislation',
    area: 'taxation',
    kind: 'program',
    parties: ['BY', 'RU'],
    status: 'proposed',
    ...overrides,
  },
});

export const trackOpened = (overrides: Partial<TrackOpened['data']> = {}): TrackOpened => ({
  type: 'TrackOpened',
  data: { ...openTrack().data, ...overrides },
});

/** An OpenTrack with data its static type does not allow, as decoded JSON may carry. */
export const looseOpenTrack = (data: Record<string, unknown>): OpenTrack => ({ type: 'OpenTrack', data: { ...openTrack().data, ...data } });

export const changeTrackStatus = (status: TrackStatus, reason?: string): ChangeTrackStatus => ({
  type: 'ChangeTrackStatus',
  data: { trackId: TRACK_ID, status, ...(reason !== undefined && { reason }) },
});

export const trackStatusChanged = (from: TrackStatus, to: TrackStatus, reason?: string): TrackStatusChanged => ({
  type: 'TrackStatusChanged',
  data: { trackId: TRACK_ID, from, to, ...(reason !== undefined && { reason }) },
});

export const setDeadline = (overrides: Partial<SetTrackDeadline['data']> = {}): SetTrackDeadline => ({
  type: 'SetTrackDeadline',
  data: {
    trackId: TRACK_ID,
    deadlineId: 'tax-code-signed',
    description: 'Tax code harmonised',
    due: '2021-12',
    ...overrides,
  },
});

export const deadlineSet = (overrides: Partial<TrackDeadlineSet['data']> = {}): TrackDeadlineSet => ({
  type: 'TrackDeadlineSet',
  data: { ...setDeadline().data, ...overrides },
});
