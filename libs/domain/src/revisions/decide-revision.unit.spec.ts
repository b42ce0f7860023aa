import { commitmentDecider, CommitmentState } from '../commitments/commitment';
import { parseEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { applyRevisions } from '../shared/revisions';
import { StreamBuilder } from '../temporal/temporal-fixtures';
import { deciderSpecification } from '../testing/decider-specification';
import { CorrectEvent, decideRevision, RetractEvent, revisionDecider } from './decide-revision';

/** The commitment's own fold, as the writer checks a revised stream (a stream without its record holds nothing). */
const foldCommitment = (events: readonly RecordedEvent[]): void => {
  const resolved = applyRevisions(events);
  if (resolved[0]?.type !== 'CommitmentRecorded') return;
  resolved.reduce<CommitmentState>((state, event) => commitmentDecider.evolve(state, event as never), commitmentDecider.initialState());
};

const spec = deciderSpecification(revisionDecider(foldCommitment));

/** Made-up test data: a loan recorded, a disbursement, both in USD. */
function loanStream() {
  const stream = new StreamBuilder();
  const record = stream.record('2019-12', '2020-01-10T09:00:00Z', { terms: { amount: '600000000', currency: 'USD' } });
  const payment = stream.disburse('200000000', '2020-03-15', '2020-03-20T09:00:00Z');
  return { stream, record, payment };
}

const correct = (eventId: string, changes: Omit<CorrectEvent['data'], 'eventId' | 'reason'>): CorrectEvent => ({
  type: 'CorrectEvent',
  data: { eventId, reason: 'the source gives another figure', ...changes },
});
const retract = (eventId: string): RetractEvent => ({ type: 'RetractEvent', data: { eventId, reason: 'never happened' } });

describe('CorrectEvent', () => {
  it('corrects the data of an event, filed at its effective time', () => {
    const { stream, payment } = loanStream();
    spec
      .given(stream.events)
      .when(correct(payment.id, { changes: { amount: '250000000' } }))
      .then([
        {
          type: 'EventCorrected',
          data: {
            eventId: payment.id,
            eventType: 'CommitmentDisbursed',
            changes: { data: { amount: '250000000' } },
            reason: 'the source gives another figure',
          },
          effectiveAt: payment.effectiveAt,
        },
      ]);
  });

  it('corrects the effective time, and is filed at the corrected time', () => {
    const { stream, payment } = loanStream();
    const effectiveAt = parseEffectiveTime('2020-03-14');
    spec
      .given(stream.events)
      .when(correct(payment.id, { effectiveAt }))
      .then([
        {
          type: 'EventCorrected',
          data: {
            eventId: payment.id,
            eventType: 'CommitmentDisbursed',
            changes: { effectiveAt },
            reason: 'the source gives another figure',
          },
          effectiveAt,
        },
      ]);
  });

  it('is filed at the effective time as corrected before', () => {
    const { stream, payment } = loanStream();
    const earlier = parseEffectiveTime('2020-03-01');
    stream.correct(payment, { effectiveAt: earlier }, '2020-04-01T00:00:00Z');
    const [decided] = decideRevision(correct(payment.id, { changes: { amount: '1' } }), stream.events, foldCommitment);
    expect(decided.effectiveAt).toEqual(earlier);
  });

  it('refuses a correction that changes nothing', () => {
    const { stream, payment } = loanStream();
    spec.given(stream.events).when(correct(payment.id, {})).thenThrows('empty_correction', 'effectiveAt');
  });

  it('refuses an event that is not in the stream', () => {
    const { stream } = loanStream();
    spec
      .given(stream.events)
      .when(correct('e-elsewhere', { changes: { amount: '1' } }))
      .thenThrows('event_not_found', 'eventId');
  });

  it('refuses to correct a correction', () => {
    const { stream, payment } = loanStream();
    const correction = stream.correct(payment, { data: { amount: '1' } }, '2020-04-01T00:00:00Z');
    spec
      .given(stream.events)
      .when(correct(correction.id, { changes: { amount: '2' } }))
      .thenThrows('revision_of_revision', 'eventId');
  });

  it('refuses to correct a retracted event', () => {
    const { stream, payment } = loanStream();
    stream.retract(payment, '2020-04-01T00:00:00Z');
    spec
      .given(stream.events)
      .when(correct(payment.id, { changes: { amount: '2' } }))
      .thenThrows('event_retracted', 'eventId');
  });

  it('refuses a correction after which the history no longer holds', () => {
    const { stream, record } = loanStream();
    // The disbursement is in USD; terms in EUR would make it a payment in the wrong currency.
    spec
      .given(stream.events)
      .when(correct(record.id, { changes: { terms: { currency: 'EUR' } } }))
      .thenThrows('inconsistent_revision', 'data');
  });

  it('without a check, decides on the stream alone', () => {
    const { stream, record } = loanStream();
    const [decided] = decideRevision(correct(record.id, { changes: { terms: { currency: 'EUR' } } }), stream.events);
    expect(decided.type).toBe('EventCorrected');
  });
});

describe('RetractEvent', () => {
  it('retracts an event, filed at its effective time', () => {
    const { stream, payment } = loanStream();
    spec
      .given(stream.events)
      .when(retract(payment.id))
      .then([
        {
          type: 'EventRetracted',
          data: { eventId: payment.id, eventType: 'CommitmentDisbursed', reason: 'never happened' },
          effectiveAt: payment.effectiveAt,
        },
      ]);
  });

  it('refuses to retract a retraction', () => {
    const { stream, payment } = loanStream();
    const retraction = stream.retract(payment, '2020-04-01T00:00:00Z');
    spec.given(stream.events).when(retract(retraction.id)).thenThrows('revision_of_revision', 'eventId');
  });

  it('refuses to retract an event twice', () => {
    const { stream, payment } = loanStream();
    stream.retract(payment, '2020-04-01T00:00:00Z');
    spec.given(stream.events).when(retract(payment.id)).thenThrows('event_retracted', 'eventId');
  });

  it('refuses an event that is not in the stream', () => {
    const { stream } = loanStream();
    spec.given(stream.events).when(retract('e-elsewhere')).thenThrows('event_not_found', 'eventId');
  });

  it('retracts the record itself: the stream then holds nothing', () => {
    const { stream, record } = loanStream();
    expect(decideRevision(retract(record.id), stream.events, foldCommitment)).toHaveLength(1);
  });

  it('refuses a retraction after which the history no longer holds', () => {
    const stream = new StreamBuilder();
    stream.record('2019-12', '2020-01-10T09:00:00Z', { status: 'requested' });
    const pledged = stream.status('requested', 'pledged', '2020-01', '2020-02-01T09:00:00Z');
    stream.status('pledged', 'fulfilled', '2021-12', '2022-01-05T09:00:00Z');
    // Without the pledge, the fulfilment would be of a commitment still requested.
    spec.given(stream.events).when(retract(pledged.id)).thenThrows('inconsistent_revision', 'data');
  });
});

describe('revising a claim event (ours to fix like any other recording)', () => {
  /** Made-up test data: the loan of loanStream, and another (made-up) source's claims on its amount and date. */
  function claimedLoan() {
    const { stream, record } = loanStream();
    const claim = (field: string, value: string, recordedAt: string) =>
      stream.add({
        type: 'ClaimRecorded',
        data: { eventId: record.id, eventType: 'CommitmentRecorded', field, value },
        effective: record.effectiveAt,
        recordedAt,
        source: { title: 'Made-up test source', paraphrase: 'another figure' },
      });
    return {
      stream,
      record,
      amount: claim('terms.amount', '630000000', '2020-05-01T09:00:00Z'),
      date: claim('effectiveAt', '2019-11', '2020-05-02T09:00:00Z'),
    };
  }

  it('retracts a claim, filed at the date of the event it is about', () => {
    const { stream, record, amount } = claimedLoan();
    spec
      .given(stream.events)
      .when(retract(amount.id))
      .then([
        {
          type: 'EventRetracted',
          data: { eventId: amount.id, eventType: 'ClaimRecorded', reason: 'never happened' },
          effectiveAt: record.effectiveAt,
        },
      ]);
  });

  it("corrects a claim's value", () => {
    const { stream, record, amount } = claimedLoan();
    spec
      .given(stream.events)
      .when(correct(amount.id, { changes: { value: '640000000' } }))
      .then([
        {
          type: 'EventCorrected',
          data: {
            eventId: amount.id,
            eventType: 'ClaimRecorded',
            changes: { data: { value: '640000000' } },
            reason: 'the source gives another figure',
          },
          effectiveAt: record.effectiveAt,
        },
      ]);
  });

  it('refuses to revise a claim already retracted', () => {
    const { stream, amount } = claimedLoan();
    stream.retract(amount, '2020-06-01T00:00:00Z');
    spec
      .given(stream.events)
      .when(correct(amount.id, { changes: { value: '640000000' } }))
      .thenThrows('event_retracted', 'eventId');
  });

  it("refuses to move a claim's effective time: it is always that of the event it is about", () => {
    const { stream, amount } = claimedLoan();
    spec
      .given(stream.events)
      .when(correct(amount.id, { effectiveAt: parseEffectiveTime('2021-01') }))
      .thenThrows('claim_effective_time', 'effectiveAt');
  });

  it('refuses a claimed date corrected to something that is no date', () => {
    const { stream, date } = claimedLoan();
    spec
      .given(stream.events)
      .when(correct(date.id, { changes: { value: 'last spring' } }))
      .thenThrows('invalid_value', 'value');
  });
});
