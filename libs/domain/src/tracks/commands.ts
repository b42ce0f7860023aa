import type { TrackKind, TrackStatus } from './vocabulary';

export interface OpenTrack {
  readonly type: 'OpenTrack';
  readonly data: {
    readonly trackId: string;
    readonly title: string;
    readonly area: string;
    readonly kind: TrackKind;
    readonly parties: readonly string[];
    readonly status: TrackStatus;
    readonly description?: string;
  };
}

export interface ChangeTrackStatus {
  readonly type: 'ChangeTrackStatus';
  readonly data: {
    readonly trackId: string;
    readonly status: TrackStatus;
    readonly reason?: string;
  };
}

export interface SetTrackDeadline {
  readonly type: 'SetTrackDeadline';
  readonly data: {
    readonly trackId: string;
    readonly deadlineId: string;
    readonly description: string;
    readonly due: string;
  };
}

export type TrackCommand = OpenTrack | ChangeTrackStatus | SetTrackDeadline;

export type TrackCommandType = TrackCommand['type'];
