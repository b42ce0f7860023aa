/**
 * Validity ends, rates are no sums, and every value cites the source that
 * established it. The sources and figures below are made-up test data.
 */
import { parseEffectiveTime } from '../shared/effective-time';
import { commitmentAsOf } from './commitment-as-of';
import { commitmentSegments } from './commitment-segments';
import { occurrenceAsOf } from './occurrence-as-of';
import { temporalSegments } from './temporal-segments';
import { cites, StreamBuilder } from './temporal-fixtures';

const LATER = '2030-01-01T00:00:00Z';
const ARTICLE = { title: 'Made-up article', publisher: 'Test Gazette', quote: 'a $100m loan until the end of 2022' };
const CORRECTION = { title: 'Made-up follow-up', publisher: 'Test Wire', quote: 'the loan is $120m' };

function loanUntil2022() {
  const stream = new StreamBuilder();
  const record = stream.add({
    type: 'CommitmentRecorded',
    data: {
      commitmentId: 'c-ru-by-loan',
      kind: 'loan',
      title: 'Made-up loan',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      terms: { amount: '100', currency: 'USD', validUntil: '2022' },
    },
    effective: '2021-09',
    recordedAt: '2021-10-01T00:00:00Z',
    source: ARTICLE,
  });
  return { stream, record };
}

describe('validity ends', () => {
  it('lapses at the end of the period validUntil names, not before', () => {
    const { stream, record } = loanUntil2022();
    const lastInstant = commitmentAsOf(stream.events, '2022-12-31T23:59:59.999Z', LATER);
    expect(lastInstant).toMatchObject({ status: 'pledged', lapsedAt: null, outstanding: '100' });
    const after = commitmentAsOf(stream.events, '2023-01-01T00:00:00Z', LATER);
    expect(after).toMatchObject({ status: 'lapsed', lapsedAt: '2023-01-01T00:00:00.000Z', outstanding: null, disbursed: '0' });
    // The lapse cites the source that says when the validity ends.
    expect(after?.sources.status).toEqual(cites(record, ['x']).x);
  });

  it('follows the precision of validUntil: a month ends at its last day, a day at its midnight', () => {
    const stream = new StreamBuilder();
    stream.record('2021-01', '2021-02-01T00:00:00Z', { terms: { amount: '1', currency: 'USD', validUntil: '2021-06' } });
    expect(commitmentAsOf(stream.events, '2021-06-30T23:59:59.999Z', LATER)?.status).toBe('pledged');
    expect(commitmentAsOf(stream.events, '2021-07-01T00:00:00Z', LATER)?.status).toBe('lapsed');
    const day = new StreamBuilder();
    day.record('2021-01', '2021-02-01T00:00:00Z', { status: 'requested', terms: { validUntil: '2021-03-15' } });
    expect(commitmentAsOf(day.events, '2021-03-15T23:59:59.999Z', LATER)?.status).toBe('requested');
    expect(commitmentAsOf(day.events, '2021-03-16T00:00:00Z', LATER)?.status).toBe('lapsed');
  });

  it('does not lapse what was fulfilled, broken or withdrawn before the end', () => {
    for (const to of ['fulfilled', 'broken', 'withdrawn'] as const) {
      const { stream } = loanUntil2022();
      stream.status('pledged', to, '2022-05', '2022-06-01T00:00:00Z');
      expect(commitmentAsOf(stream.events, '2023-06-01T00:00:00Z', LATER)).toMatchObject({ status: to, lapsedAt: null });
    }
  });

  it('is open again when an amendment that counts extends the validity, and lapses at the new end', () => {
    const { stream } = loanUntil2022();
    stream.amend({ validUntil: '2023-06' }, '2023-02', '2023-02-10T00:00:00Z');
    const at = (asOf: string) => commitmentAsOf(stream.events, asOf, LATER);
    expect(at('2023-01-15T00:00:00Z')?.status).toBe('lapsed');
    expect(at('2023-02-01T00:00:00Z')?.status).toBe('pledged');
    expect(at('2023-07-01T00:00:00Z')).toMatchObject({ status: 'lapsed', lapsedAt: '2023-07-01T00:00:00.000Z' });
    // Known before the amendment, it had lapsed at the end of 2022.
    expect(commitmentAsOf(stream.events, '2023-02-01T00:00:00Z', '2023-02-01T00:00:00Z')?.status).toBe('lapsed');
  });

  it('has a segment boundary where it lapses', () => {
    const { stream } = loanUntil2022();
    const segments = commitmentSegments(stream.events, LATER);
    expect(segments.map(({ validFrom, state }) => [validFrom, state.status])).toEqual([
      ['2021-09-01T00:00:00.000Z', 'pledged'],
      ['2021-09-30T23:59:59.999Z', 'pledged'],
      ['2023-01-01T00:00:00.000Z', 'lapsed'],
    ]);
  });

  it('keeps a recorded lapse, and nothing is outstanding on it', () => {
    const stream = new StreamBuilder();
    stream.record('2021-01', '2021-02-01T00:00:00Z');
    stream.status('pledged', 'lapsed', '2021-05', '2021-06-01T00:00:00Z');
    expect(commitmentAsOf(stream.events, '2021-07-01T00:00:00Z', LATER)).toMatchObject({
      status: 'lapsed',
      lapsedAt: null,
      outstanding: null,
    });
  });
});

describe('outstanding is what was pledged and not paid', () => {
  it('is nothing on a demand, nor on a request withdrawn or rejected; it stays on a broken pledge', () => {
    const demand = new StreamBuilder();
    demand.record('2021-01', '2021-02-01T00:00:00Z', { status: 'requested' });
    expect(commitmentAsOf(demand.events, '2021-03-01T00:00:00Z', LATER)).toMatchObject({ status: 'requested', outstanding: null });
    demand.status('requested', 'withdrawn', '2021-05', '2021-06-01T00:00:00Z');
    expect(commitmentAsOf(demand.events, '2021-07-01T00:00:00Z', LATER)).toMatchObject({ status: 'withdrawn', outstanding: null });

    const refused = new StreamBuilder();
    refused.record('2021-01', '2021-02-01T00:00:00Z', { status: 'requested' });
    refused.status('requested', 'rejected', '2021-05', '2021-06-01T00:00:00Z');
    expect(commitmentAsOf(refused.events, '2021-07-01T00:00:00Z', LATER)).toMatchObject({ status: 'rejected', outstanding: null });

    const broken = new StreamBuilder();
    broken.record('2021-01', '2021-02-01T00:00:00Z');
    broken.status('pledged', 'broken', '2021-05', '2021-06-01T00:00:00Z');
    const state = commitmentAsOf(broken.events, '2021-07-01T00:00:00Z', LATER);
    expect(state).toMatchObject({ status: 'broken' });
    expect(state?.outstanding).not.toBeNull();
  });
});

describe('a rate is not a sum', () => {
  it('has no disbursed and no outstanding', () => {
    const stream = new StreamBuilder();
    stream.record('2020', '2020-01-10T00:00:00Z', {
      kind: 'price',
      terms: { amount: '127', currency: 'USD', unit: 'USD per 1000 m3', validUntil: '2020' },
    });
    expect(commitmentAsOf(stream.events, '2020-06-01T00:00:00Z', LATER)).toMatchObject({
      status: 'pledged',
      disbursed: null,
      outstanding: null,
    });
    expect(commitmentAsOf(stream.events, '2021-10-01T00:00:00Z', LATER)).toMatchObject({
      status: 'lapsed',
      disbursed: null,
      outstanding: null,
    });
  });
});

describe('sources', () => {
  it('cite the correction for a corrected value and the record for the others', () => {
    const { stream, record } = loanUntil2022();
    const correction = stream.correct(record, { data: { terms: { amount: '120' } } }, '2021-11-01T00:00:00Z', record.type, CORRECTION);
    const state = commitmentAsOf(stream.events, '2022-01-01T00:00:00Z', LATER);
    expect(state?.terms.amount).toBe('120');
    expect(state?.sources).toEqual({
      ...cites(record, ['effectiveAt', 'kind', 'title', 'by', 'to', 'status', 'terms.currency', 'terms.validUntil']),
      ...cites(correction, ['terms.amount']),
    });
    // Known before the correction: the record's own source, for its own value.
    expect(commitmentAsOf(stream.events, '2022-01-01T00:00:00Z', '2021-10-15T00:00:00Z')?.sources['terms.amount']).toEqual(
      cites(record, ['x']).x,
    );
  });

  it('cite the amendment, the status change and the last disbursement for what they changed', () => {
    const { stream, record } = loanUntil2022();
    const amendment = stream.amend({ restrictions: ['only to refinance debt'] }, '2021-10', '2021-10-20T00:00:00Z');
    const paid = stream.disburse('40', '2021-11', '2021-12-01T00:00:00Z');
    const done = stream.status('pledged', 'fulfilled', '2022-03', '2022-04-01T00:00:00Z');
    const state = commitmentAsOf(stream.events, '2022-06-01T00:00:00Z', LATER);
    expect(state?.sources).toEqual({
      ...cites(record, ['effectiveAt', 'kind', 'title', 'by', 'to', 'terms.amount', 'terms.currency', 'terms.validUntil']),
      ...cites(amendment, ['terms.restrictions']),
      ...cites(paid, ['disbursed']),
      ...cites(done, ['status']),
    });
  });

  it('cite a correction that changed only the date for the date, and the record for the rest', () => {
    const stream = new StreamBuilder();
    const meeting = stream.add({
      type: 'OccurrenceRecorded',
      data: { occurrenceId: 'o-meeting', kind: 'meeting', title: 'Made-up meeting', parties: ['BY', 'RU'] },
      effective: '2021-09-10',
      recordedAt: '2021-09-12T00:00:00Z',
      source: ARTICLE,
    });
    const moved = stream.correct(
      meeting,
      { effectiveAt: parseEffectiveTime('2021-09-09') },
      '2021-09-20T00:00:00Z',
      meeting.type,
      CORRECTION,
    );
    const state = occurrenceAsOf(stream.events, '2021-09-09T12:00:00Z', LATER);
    expect(state?.sources).toEqual({ ...cites(meeting, ['occurrenceId', 'kind', 'title', 'parties']), ...cites(moved, ['effectiveAt']) });
    expect(temporalSegments(stream.events, LATER, occurrenceAsOf)[0].state.sources.effectiveAt.source).toEqual(CORRECTION);
  });
});
