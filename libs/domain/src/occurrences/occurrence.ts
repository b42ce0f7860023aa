import { decideOccurrence } from './decide';
import { evolveOccurrence } from './evolve';
import { initialOccurrenceState } from './state';

export * from './commands';
export * from './decide';
export * from './events';
export * from './evolve';
export * from './state';
export * from './vocabulary';

/**
 * The occurrence aggregate (a meeting, exercise, statement, sanction, forecast,
 * indicator or decision) as one emmett-style decider.
 */
export const occurrenceDecider = {
  initialState: initialOccurrenceState,
  evolve: evolveOccurrence,
  decide: decideOccurrence,
} as const;
