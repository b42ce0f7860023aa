import { subtractDecimals } from './decimal';
import type { Terms } from './terms';
import type { CommitmentKind, CommitmentStatus } from './vocabulary';

export interface NoCommitment {
  readonly status: 'none';
}

export interface Commitment {
  readonly status: CommitmentStatus;
  readonly commitmentId: string;
  readonly kind: CommitmentKind;
  readonly title: string;
  readonly by: string;
  readonly to: string;
  readonly terms: Terms;
  /** Exact decimal sum of all disbursements, in the currency of the terms. */
  readonly disbursed: string;
  readonly disbursementCount: number;
  readonly amendmentCount: number;
}

export type CommitmentState = NoCommitment | Commitment;

export function initialCommitmentState(): CommitmentState {
  return { status: 'none' };
}

export function commitmentExists(state: CommitmentState): state is Commitment {
  return state.status !== 'none';
}

/** What remains to be disbursed, when the terms state an amount. */
export function outstanding(state: CommitmentState): string | undefined {
  if (!commitmentExists(state) || state.terms.amount === undefined) return undefined;
  return subtractDecimals(state.terms.amount, state.disbursed);
}
