import { decideTrack } from './decide';
import { evolveTrack } from './evolve';
import { initialTrackState } from './state';

export * from './commands';
export * from './decide';
export * from './events';
export * from './evolve';
export * from './state';
export * from './vocabulary';

/** The track aggregate (a negotiated programme, agreement, reform, union or plan) as one emmett-style decider. */
export const trackDecider = {
  initialState: initialTrackState,
  evolve: evolveTrack,
  decide: decideTrack,
} as const;
