import fc from 'fast-check';
import { DomainRuleViolation } from '../shared/errors';
import { changeStatus, disburse, loanRecorded } from '../testing/commitment-fixtures';
import {
  CommitmentCommand,
  CommitmentState,
  CommitmentStatus,
  COMMITMENT_STATUSES,
  compareDecimals,
  decideCommitment,
  evolveCommitment,
  fromScaled,
  initialCommitmentState,
  isTerminal,
  OpenStatus,
  outstanding,
  toScaled,
} from './commitment';

/** Runs the command; a refusal leaves the state as it was. */
function attempt(state: CommitmentState, command: CommitmentCommand): { state: CommitmentState; accepted: boolean } {
  try {
    return { state: decideCommitment(command, state).reduce(evolveCommitment, state), accepted: true };
  } catch (error) {
    if (error instanceof DomainRuleViolation) return { state, accepted: false };
    throw error;
  }
}

// Scaled units up to 10^15 with up to 6 fraction digits, written in any of the texts that mean them.
const amountText = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.nat({ max: 2 }))
  .map(([units, padding]) => `${'0'.repeat(padding)}${fromScaled(units)}`);

describe('commitment properties', () => {
  it('no sequence of disbursements makes the outstanding amount negative', () => {
    fc.assert(
      fc.property(amountText, fc.array(amountText, { maxLength: 30 }), (amount, tranches) => {
        let state = evolveCommitment(initialCommitmentState(), loanRecorded({ terms: { amount, currency: 'USD' } }));
        let expected = 0n;
        for (const tranche of tranches) {
          const result = attempt(state, disburse(tranche));
          state = result.state;
          if (result.accepted) expected += toScaled(tranche);
          const left = outstanding(state);
          expect(left).toBeDefined();
          expect(compareDecimals(left as string, '0')).toBeGreaterThanOrEqual(0);
        }
        expect(state.status !== 'none' && toScaled(state.disbursed)).toBe(expected);
        expect(toScaled(outstanding(state) as string)).toBe(toScaled(amount) - expected);
      }),
    );
  });

  it('a disbursement is refused exactly when it exceeds what is outstanding', () => {
    fc.assert(
      fc.property(amountText, amountText, amountText, (amount, first, second) => {
        fc.pre(toScaled(first) > 0n && toScaled(first) <= toScaled(amount));
        let state = evolveCommitment(initialCommitmentState(), loanRecorded({ terms: { amount, currency: 'USD' } }));
        state = attempt(state, disburse(first)).state;
        const fits = toScaled(second) > 0n && toScaled(second) <= toScaled(amount) - toScaled(first);
        expect(attempt(state, disburse(second)).accepted).toBe(fits);
      }),
    );
  });

  it('once terminal, no status change is accepted and the status never returns to requested', () => {
    const status = fc.constantFrom<CommitmentStatus>(...COMMITMENT_STATUSES);
    fc.assert(
      fc.property(fc.constantFrom<OpenStatus>('requested', 'pledged'), fc.array(status, { maxLength: 12 }), (start, steps) => {
        let state = evolveCommitment(initialCommitmentState(), loanRecorded({ status: start }));
        let closed = false;
        for (const step of steps) {
          const result = attempt(state, changeStatus(step));
          if (closed) expect(result.accepted).toBe(false);
          if (result.accepted) expect(step).not.toBe('requested');
          state = result.state;
          closed = state.status !== 'none' && isTerminal(state.status);
        }
      }),
    );
  });
});
