import { disbursed, LOAN_ID, loanRecorded, statusChanged, termsAmended } from '../testing/commitment-fixtures';
import {
  COMMITMENT_EVENT_TYPES,
  CommitmentEvent,
  CommitmentState,
  evolveCommitment,
  initialCommitmentState,
  isTerminal,
  outstanding,
  UnexpectedCommitmentEvent,
} from './commitment';

const fold = (events: readonly CommitmentEvent[]): CommitmentState => events.reduce(evolveCommitment, initialCommitmentState());

describe('evolveCommitment', () => {
  it('starts with no commitment', () => {
    expect(initialCommitmentState()).toEqual({ status: 'none' });
    expect(outstanding(initialCommitmentState())).toBeUndefined();
  });

  it('folds a whole history', () => {
    const state = fold([
      loanRecorded({ status: 'requested' }),
      statusChanged('requested', 'pledged'),
      disbursed('200000000.25'),
      termsAmended({ amount: '1000000000', validUntil: null, conditions: ['integration roadmaps signed'] }),
      disbursed('0.75'),
      statusChanged('pledged', 'broken', 'rest withheld'),
    ]);
    expect(state).toEqual({
      status: 'broken',
      commitmentId: LOAN_ID,
      kind: 'loan',
      title: 'State loan of USD 600 million',
      by: 'RU',
      to: 'BY',
      terms: {
        amount: '1000000000',
        currency: 'USD',
        validFrom: '2020',
        conditions: ['integration roadmaps signed'],
      },
      disbursed: '200000001',
      disbursementCount: 2,
      amendmentCount: 1,
    });
    expect(outstanding(state)).toBe('799999999');
  });

  it('has no outstanding amount when the terms state none', () => {
    expect(outstanding(fold([loanRecorded({ kind: 'legal', terms: { description: 'recognition' } })]))).toBeUndefined();
    expect(outstanding(fold([loanRecorded(), termsAmended({ amount: null, currency: null })]))).toBeUndefined();
  });

  it('does not share the terms of the event it folded', () => {
    const recorded = loanRecorded();
    const state = fold([recorded, termsAmended({ amount: '1' })]);
    expect(recorded.data.terms.amount).toBe('600000000');
    expect(state.status !== 'none' && state.terms.amount).toBe('1');
  });

  it.each<[string, CommitmentEvent[]]>([
    ['a second record', [loanRecorded(), loanRecorded()]],
    ['an amendment before the record', [termsAmended({ amount: '1' })]],
    ['a disbursement before the record', [disbursed('1')]],
    ['a status change before the record', [statusChanged('pledged', 'fulfilled')]],
    ['an event of another commitment', [loanRecorded(), { ...disbursed('1'), data: { ...disbursed('1').data, commitmentId: 'x' } }]],
    ['a status change from a status the commitment is not in', [loanRecorded(), statusChanged('requested', 'pledged')]],
    ['a disbursement in another currency', [loanRecorded(), disbursed('1', 'EUR')]],
    ['an unknown event type', [loanRecorded(), { type: 'CommitmentForgotten', data: {} } as unknown as CommitmentEvent]],
  ])('refuses to fold %s', (_, events) => {
    expect(() => fold(events)).toThrow(UnexpectedCommitmentEvent);
  });

  it('refuses a disbursed amount that is not a decimal', () => {
    expect(() => fold([loanRecorded(), disbursed('1e3')])).toThrow();
  });

  it('lists every event type', () => {
    expect(COMMITMENT_EVENT_TYPES).toEqual([
      'CommitmentRecorded',
      'CommitmentTermsAmended',
      'CommitmentDisbursed',
      'CommitmentStatusChanged',
    ]);
  });
});

describe('isTerminal', () => {
  it.each([
    ['requested', false],
    ['pledged', false],
    ['fulfilled', true],
    ['lapsed', true],
    ['withdrawn', true],
    ['broken', true],
    ['rejected', true],
  ] as const)('%s → %s', (status, terminal) => {
    expect(isTerminal(status)).toBe(terminal);
  });
});
