import { addDecimals } from './decimal';
import type { CommitmentEvent } from './events';
import { Commitment, commitmentExists, CommitmentState } from './state';
import { applyTermChanges } from './terms';

/**
 * A recorded event that cannot follow the state before it. The stream is
 * corrupt or mis-routed; folding on would hide that, so evolve stops.
 */
export class UnexpectedCommitmentEvent extends Error {
  constructor(
    readonly eventType: string,
    reason: string,
  ) {
    super(`cannot apply ${eventType}: ${reason}`);
    this.name = 'UnexpectedCommitmentEvent';
  }
}

export function evolveCommitment(state: CommitmentState, event: CommitmentEvent): CommitmentState {
  switch (event.type) {
    case 'CommitmentRecorded': {
      if (commitmentExists(state)) {
        throw new UnexpectedCommitmentEvent(event.type, `commitment ${state.commitmentId} is already recorded`);
      }
      const { commitmentId, kind, title, by, to, status, terms } = event.data;
      return {
        status,
        commitmentId,
        kind,
        title,
        by,
        to,
        terms,
        disbursed: '0',
        disbursementCount: 0,
        amendmentCount: 0,
      };
    }
    case 'CommitmentTermsAmended': {
      const current = recorded(state, event);
      return {
        ...current,
        terms: applyTermChanges(current.terms, event.data.changes),
        amendmentCount: current.amendmentCount + 1,
      };
    }
    case 'CommitmentDisbursed': {
      const current = recorded(state, event);
      if (event.data.currency !== current.terms.currency) {
        throw new UnexpectedCommitmentEvent(
          event.type,
          `disbursed in ${event.data.currency} but the terms are in ${current.terms.currency ?? 'no currency'}`,
        );
      }
      return {
        ...current,
        disbursed: addDecimals(current.disbursed, event.data.amount),
        disbursementCount: current.disbursementCount + 1,
      };
    }
    case 'CommitmentStatusChanged': {
      const current = recorded(state, event);
      if (event.data.from !== current.status) {
        throw new UnexpectedCommitmentEvent(event.type, `the change is from ${event.data.from} but the commitment is ${current.status}`);
      }
      return { ...current, status: event.data.to };
    }
    default: {
      const unknown: never = event;
      throw new UnexpectedCommitmentEvent(String((unknown as { type?: unknown }).type), 'unknown event type');
    }
  }
}

function recorded(state: CommitmentState, event: CommitmentEvent): Commitment {
  if (!commitmentExists(state)) {
    throw new UnexpectedCommitmentEvent(event.type, `commitment ${event.data.commitmentId} was never recorded`);
  }
  if (event.data.commitmentId !== state.commitmentId) {
    throw new UnexpectedCommitmentEvent(
      event.type,
      `the event is for commitment ${event.data.commitmentId}, the stream holds ${state.commitmentId}`,
    );
  }
  return state;
}
