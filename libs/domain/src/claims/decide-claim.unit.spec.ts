import type { Source } from '../shared/envelope';
import { StreamBuilder } from '../temporal/temporal-fixtures';
import { deciderSpecification } from '../testing/decider-specification';
import { ChooseClaim, claimDecider, CorroborateSource, RecordClaim } from './decide-claim';

const spec = deciderSpecification(claimDecider());

/** Made-up test data: two outlets that disagree on a loan's amount, and a third that agrees with the first. */
const FIRST: Source = { title: 'First outlet', publishedAt: '2021-09-10' };
const SECOND: Source = { title: 'Second outlet', publishedAt: '2021-09-12', paraphrase: 'about 630 million' };
const THIRD: Source = { title: 'Third outlet', publishedAt: '2021-09-14' };

function loanStream() {
  const stream = new StreamBuilder();
  const record = stream.add({
    type: 'CommitmentRecorded',
    data: {
      commitmentId: 'c-loan',
      kind: 'loan',
      title: 'Loan',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      terms: { amount: '600000000', currency: 'USD' },
    },
    effective: '2021-09',
    recordedAt: '2021-10-01T00:00:00Z',
    source: FIRST,
  });
  return { stream, record };
}

const corroborate = (eventId: string, source: Source): CorroborateSource => ({ type: 'CorroborateSource', data: { eventId, source } });
const claim = (eventId: string, field: string, value: unknown, source: Source = SECOND): RecordClaim => ({
  type: 'RecordClaim',
  data: { eventId, field, value, source },
});
const choose = (eventId: string, claimId: string, reason = 'the later report names the meeting'): ChooseClaim => ({
  type: 'ChooseClaim',
  data: { eventId, field: 'terms.amount', claimId, reason },
});

describe('CorroborateSource', () => {
  it('confirms the event as recorded: no second entity, filed at its effective time', () => {
    const { stream, record } = loanStream();
    spec
      .given(stream.events)
      .when(corroborate(record.id, THIRD))
      .then([
        { type: 'SourceCorroborated', data: { eventId: record.id, eventType: 'CommitmentRecorded' }, effectiveAt: record.effectiveAt },
      ]);
  });

  it('refuses a source the event already cites', () => {
    const { stream, record } = loanStream();
    spec
      .given(stream.events)
      .when(corroborate(record.id, { ...FIRST }))
      .thenThrows('already_cited', 'source');
  });

  it('refuses a source that already corroborated it', () => {
    const { stream, record } = loanStream();
    stream.add({
      type: 'SourceCorroborated',
      data: { eventId: record.id, eventType: record.type },
      effective: '2021-09',
      recordedAt: '2021-10-02T00:00:00Z',
      source: THIRD,
    });
    spec.given(stream.events).when(corroborate(record.id, THIRD)).thenThrows('already_cited', 'source');
  });

  it('refuses an event not in the stream', () => {
    const { stream } = loanStream();
    spec.given(stream.events).when(corroborate('nope', THIRD)).thenThrows('event_not_found', 'eventId');
  });

  it('refuses a retracted event', () => {
    const { stream, record } = loanStream();
    stream.retract(record, '2021-10-03T00:00:00Z');
    spec.given(stream.events).when(corroborate(record.id, THIRD)).thenThrows('event_retracted', 'eventId');
  });

  it('refuses a revision as its target', () => {
    const { stream, record } = loanStream();
    const correction = stream.correct(record, { data: { title: 'State loan' } }, '2021-10-03T00:00:00Z');
    spec.given(stream.events).when(corroborate(correction.id, THIRD)).thenThrows('not_a_fact', 'eventId');
  });
});

describe('RecordClaim', () => {
  it('records a source that disagrees on one field, beside the event', () => {
    const { stream, record } = loanStream();
    spec
      .given(stream.events)
      .when(claim(record.id, 'terms.amount', '630000000'))
      .then([
        {
          type: 'ClaimRecorded',
          data: { eventId: record.id, eventType: 'CommitmentRecorded', field: 'terms.amount', value: '630000000' },
          effectiveAt: record.effectiveAt,
        },
      ]);
  });

  it('records a claim on the date', () => {
    const { stream, record } = loanStream();
    spec
      .given(stream.events)
      .when(claim(record.id, 'effectiveAt', '2021-09-09'))
      .then([
        {
          type: 'ClaimRecorded',
          data: { eventId: record.id, eventType: 'CommitmentRecorded', field: 'effectiveAt', value: '2021-09-09' },
          effectiveAt: record.effectiveAt,
        },
      ]);
  });

  it('refuses a date that is none', () => {
    const { stream, record } = loanStream();
    spec
      .given(stream.events)
      .when(claim(record.id, 'effectiveAt', '9 September'))
      .thenThrows('invalid_value', 'value');
  });

  it('refuses a claim that agrees with the recorded value: that is a corroboration', () => {
    const { stream, record } = loanStream();
    spec
      .given(stream.events)
      .when(claim(record.id, 'terms.amount', '600000000'))
      .thenThrows('claim_agrees', 'value');
  });

  it('refuses a field the event does not have', () => {
    const { stream, record } = loanStream();
    spec
      .given(stream.events)
      .when(claim(record.id, 'terms.validUntil', '2022-12'))
      .thenThrows('unknown_field', 'field');
  });

  it('refuses a field that is no path', () => {
    const { stream, record } = loanStream();
    spec
      .given(stream.events)
      .when(claim(record.id, 'terms..amount', '1'))
      .thenThrows('invalid_field', 'field');
  });

  it('refuses a second claim of one source on one field', () => {
    const { stream, record } = loanStream();
    stream.add({
      type: 'ClaimRecorded',
      data: { eventId: record.id, eventType: record.type, field: 'terms.amount', value: '630000000' },
      effective: '2021-09',
      recordedAt: '2021-10-02T00:00:00Z',
      source: SECOND,
    });
    spec
      .given(stream.events)
      .when(claim(record.id, 'terms.amount', '640000000'))
      .thenThrows('already_claimed', 'source');
  });
});

describe('ChooseClaim', () => {
  function disputed() {
    const { stream, record } = loanStream();
    const second = stream.add({
      type: 'ClaimRecorded',
      data: { eventId: record.id, eventType: record.type, field: 'terms.amount', value: '630000000' },
      effective: '2021-09',
      recordedAt: '2021-10-02T00:00:00Z',
      source: SECOND,
    });
    return { stream, record, second };
  }

  it("records the analyst's choice with its reason", () => {
    const { stream, record } = disputed();
    spec
      .given(stream.events)
      .when(choose(record.id, record.id))
      .then([
        {
          type: 'ClaimChosen',
          data: {
            eventId: record.id,
            eventType: 'CommitmentRecorded',
            field: 'terms.amount',
            claimId: record.id,
            reason: 'the later report names the meeting',
          },
          effectiveAt: record.effectiveAt,
        },
      ]);
  });

  it('refuses a choice without a reason', () => {
    const { stream, record, second } = disputed();
    spec
      .given(stream.events)
      .when(choose(record.id, second.id, '  '))
      .thenThrows('reason_required', 'reason');
  });

  it('refuses a claim that is not on that field', () => {
    const { stream, record } = disputed();
    spec.given(stream.events).when(choose(record.id, 'e99')).thenThrows('unknown_claim', 'claimId');
  });

  it('refuses a field no source disputes', () => {
    const { stream, record } = loanStream();
    spec.given(stream.events).when(choose(record.id, record.id)).thenThrows('no_claims', 'field');
  });

  it('refuses choosing again the claim already chosen', () => {
    const { stream, record, second } = disputed();
    stream.add({
      type: 'ClaimChosen',
      data: { eventId: record.id, eventType: record.type, field: 'terms.amount', claimId: second.id, reason: 'r' },
      effective: '2021-09',
      recordedAt: '2021-10-03T00:00:00Z',
    });
    spec.given(stream.events).when(choose(record.id, second.id)).thenThrows('already_chosen', 'claimId');
  });
});
