import { deciderSpecification } from '../testing/decider-specification';
import { changeStatus, loanRecorded, statusChanged } from '../testing/commitment-fixtures';
import { ChangeCommitmentStatus, commitmentDecider, CommitmentStatus, OpenStatus, TerminalStatus } from './commitment';

const spec = deciderSpecification(commitmentDecider);
const recorded = (status: OpenStatus) => loanRecorded({ status });

describe('ChangeCommitmentStatus', () => {
  it.each<[OpenStatus, Exclude<CommitmentStatus, 'requested'>]>([
    ['requested', 'pledged'],
    ['requested', 'rejected'],
    ['requested', 'withdrawn'],
    ['requested', 'lapsed'],
    ['pledged', 'fulfilled'],
    ['pledged', 'lapsed'],
    ['pledged', 'withdrawn'],
    ['pledged', 'broken'],
  ])('moves %s to %s', (from, to) => {
    spec
      .given([recorded(from)])
      .when(changeStatus(to))
      .then([statusChanged(from, to)]);
  });

  it('keeps the reason', () => {
    spec
      .given([recorded('pledged')])
      .when(changeStatus('broken', 'second tranche withheld'))
      .then([statusChanged('pledged', 'broken', 'second tranche withheld')]);
  });

  it('takes from from the state, after earlier changes', () => {
    spec
      .given([recorded('requested'), statusChanged('requested', 'pledged')])
      .when(changeStatus('fulfilled'))
      .then([statusChanged('pledged', 'fulfilled')]);
  });

  it('refuses a commitment that was never recorded', () => {
    spec.given([]).when(changeStatus('pledged')).thenThrows('commitment_not_found', 'commitmentId');
  });

  it('refuses an unknown status', () => {
    const command = changeStatus('pledged');
    const unknown = { ...command, data: { ...command.data, status: 'granted' } } as unknown as ChangeCommitmentStatus;
    spec
      .given([recorded('requested')])
      .when(unknown)
      .thenThrows('invalid_status', 'status');
  });

  it.each<OpenStatus>(['requested', 'pledged'])('refuses %s to itself', (status) => {
    spec
      .given([recorded(status)])
      .when(changeStatus(status))
      .thenThrows('no_change', 'status');
  });

  it.each<[OpenStatus, CommitmentStatus]>([
    ['requested', 'fulfilled'],
    ['requested', 'broken'],
    ['pledged', 'requested'],
    ['pledged', 'rejected'],
  ])('refuses %s to %s', (from, to) => {
    spec
      .given([recorded(from)])
      .when(changeStatus(to))
      .thenThrows('invalid_transition', 'status');
  });

  it.each<TerminalStatus>(['fulfilled', 'lapsed', 'withdrawn', 'broken'])('refuses to reopen a %s pledge', (status) => {
    spec
      .given([recorded('pledged'), statusChanged('pledged', status)])
      .when(changeStatus('pledged'))
      .thenThrows('invalid_transition', 'status');
  });

  it('refuses a second terminal status', () => {
    spec
      .given([recorded('requested'), statusChanged('requested', 'rejected')])
      .when(changeStatus('withdrawn'))
      .thenThrows('invalid_transition', 'status');
  });

  it('refuses a blank reason', () => {
    spec
      .given([recorded('pledged')])
      .when(changeStatus('broken', ''))
      .thenThrows('invalid_text', 'reason');
  });
});
