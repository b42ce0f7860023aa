import { decideCommitment } from './decide';
import { evolveCommitment } from './evolve';
import { initialCommitmentState } from './state';

export * from './commands';
export * from './decide';
export * from './decimal';
export * from './events';
export * from './evolve';
export * from './state';
export * from './terms';
export * from './vocabulary';

/** The commitment aggregate as one emmett-style decider. */
export const commitmentDecider = {
  initialState: initialCommitmentState,
  evolve: evolveCommitment,
  decide: decideCommitment,
} as const;
