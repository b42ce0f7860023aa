import { decideParty } from './decide';
import { evolveParty } from './evolve';
import { initialPartyState } from './state';

export * from './commands';
export * from './decide';
export * from './events';
export * from './evolve';
export * from './state';
export * from './vocabulary';

/** The party aggregate as one emmett-style decider: one stream per party code. */
export const partyDecider = {
  initialState: initialPartyState,
  evolve: evolveParty,
  decide: decideParty,
} as const;
