import { InvalidEffectiveTime, parseEffectiveTime } from '../shared/effective-time';
import { commitmentAsOf } from './commitment-as-of';
import { commitmentSegmentAt, commitmentSegments } from './commitment-segments';
import { StreamBuilder } from './temporal-fixtures';

const LATER = '2030-01-01T00:00:00Z';

/**
 * The loan: recorded as pledged in December 2019, 200 million disbursed on
 * 15 March 2020, fulfilled in December 2021.
 */
function loan() {
  const stream = new StreamBuilder();
  const record = stream.record('2019-12', '2020-01-10T09:00:00Z');
  const payment = stream.disburse('200000000', '2020-03-15', '2020-03-20T09:00:00Z');
  const fulfilled = stream.status('pledged', 'fulfilled', '2021-12', '2022-01-05T09:00:00Z');
  return { stream, record, payment, fulfilled };
}

describe('commitmentAsOf', () => {
  it('does not exist before its record counts, nor before it is recorded', () => {
    const { stream } = loan();
    expect(commitmentAsOf(stream.events, '2019-11-30T23:59:59.999Z', LATER)).toBeUndefined();
    expect(commitmentAsOf(stream.events, '2019-12-01T00:00:00Z', LATER)).toBeDefined();
    expect(commitmentAsOf(stream.events, '2025-01-01T00:00:00Z', '2020-01-10T08:59:59.999Z')).toBeUndefined();
    expect(commitmentAsOf([], '2025-01-01T00:00:00Z', LATER)).toBeUndefined();
  });

  it('states the commitment, with the record uncertain until its month is over', () => {
    const { stream, record } = loan();
    expect(commitmentAsOf(stream.events, '2019-12-15T00:00:00Z', LATER)).toEqual({
      commitmentId: 'c-ru-by-loan',
      kind: 'loan',
      title: 'State loan of USD 600 million',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      lapsedAt: null,
      terms: { amount: '600000000', currency: 'USD' },
      disbursed: '0',
      outstanding: '600000000',
      currency: 'USD',
      streamVersion: 3,
      eventIds: ['e1'],
      uncertain: [
        {
          eventId: 'e1',
          type: 'CommitmentRecorded',
          effectiveAt: record.effectiveAt,
          until: '2020-01-01T00:00:00.000Z',
        },
      ],
      sources: Object.fromEntries(
        ['effectiveAt', 'kind', 'title', 'by', 'to', 'status', 'terms.amount', 'terms.currency'].map((path) => [
          path,
          {
            eventId: 'e1',
            type: 'CommitmentRecorded',
            source: record.source,
            confidence: record.confidence,
            recordedAt: record.recordedAt,
          },
        ]),
      ),
    });
    // At the close of December 2019 (its last instant), December is over: the record is certain.
    expect(commitmentAsOf(stream.events, '2019-12-31T23:59:59.998Z', LATER)?.uncertain).toHaveLength(1);
    expect(commitmentAsOf(stream.events, '2019-12-31T23:59:59.999Z', LATER)?.uncertain).toEqual([]);
    expect(commitmentAsOf(stream.events, '2020-01-01T00:00:00Z', LATER)?.uncertain).toEqual([]);
  });

  it('counts a disbursement from the start of its day, uncertain during that day', () => {
    const { stream } = loan();
    const before = commitmentAsOf(stream.events, '2020-03-14T23:59:59.999Z', LATER);
    const during = commitmentAsOf(stream.events, '2020-03-15T10:00:00Z', LATER);
    const after = commitmentAsOf(stream.events, '2020-03-16T00:00:00Z', LATER);
    expect([before?.disbursed, during?.disbursed, after?.disbursed]).toEqual(['0', '200000000', '200000000']);
    expect(during?.outstanding).toBe('400000000');
    expect(during?.uncertain.map((event) => event.eventId)).toEqual(['e2']);
    expect(after?.uncertain).toEqual([]);
    expect(after?.eventIds).toEqual(['e1', 'e2']);
  });

  it('states what was known at knownAt: later records are not known', () => {
    const { stream } = loan();
    const asOf = '2022-06-01T00:00:00Z';
    expect(commitmentAsOf(stream.events, asOf, '2020-03-01T00:00:00Z')).toMatchObject({ disbursed: '0', streamVersion: 1 });
    expect(commitmentAsOf(stream.events, asOf, '2021-01-01T00:00:00Z')).toMatchObject({
      disbursed: '200000000',
      status: 'pledged',
      streamVersion: 2,
    });
    expect(commitmentAsOf(stream.events, asOf, LATER)).toMatchObject({ status: 'fulfilled', streamVersion: 3 });
  });

  it('takes a retroactive disbursement into account after its date, once it is recorded', () => {
    const { stream } = loan();
    stream.disburse('100000000.5', '2020-02-01', '2023-05-01T12:00:00Z');
    const beforeRecording = '2023-05-01T11:59:59.999Z';
    const afterRecording = '2023-05-01T12:00:00Z';
    for (const asOf of ['2020-02-01T00:00:00Z', '2020-06-01T00:00:00Z', '2024-01-01T00:00:00Z']) {
      expect(commitmentAsOf(stream.events, asOf, beforeRecording)?.eventIds).not.toContain('e4');
      expect(commitmentAsOf(stream.events, asOf, afterRecording)?.eventIds).toContain('e4');
    }
    expect(commitmentAsOf(stream.events, '2020-06-01T00:00:00Z', beforeRecording)).toMatchObject({
      disbursed: '200000000',
      outstanding: '400000000',
      streamVersion: 3,
    });
    expect(commitmentAsOf(stream.events, '2020-06-01T00:00:00Z', afterRecording)).toMatchObject({
      disbursed: '300000000.5',
      outstanding: '299999999.5',
      eventIds: ['e1', 'e4', 'e2'],
      streamVersion: 4,
    });
    // Before its date it does not count, however late it is known.
    expect(commitmentAsOf(stream.events, '2020-01-31T23:59:59.999Z', afterRecording)).toMatchObject({
      disbursed: '0',
      eventIds: ['e1'],
    });
  });

  it('makes a retracted commitment vanish, once the retraction is known', () => {
    const { stream, record } = loan();
    stream.retract(record, '2023-01-01T00:00:00Z');
    for (const asOf of ['2019-12-01T00:00:00Z', '2020-06-01T00:00:00Z', '2025-01-01T00:00:00Z']) {
      expect(commitmentAsOf(stream.events, asOf, '2022-12-31T23:59:59.999Z')).toBeDefined();
      expect(commitmentAsOf(stream.events, asOf, '2023-01-01T00:00:00Z')).toBeUndefined();
    }
    expect(commitmentSegments(stream.events, '2023-01-01T00:00:00Z')).toEqual([]);
    expect(commitmentSegments(stream.events, '2022-12-31T23:59:59.999Z')).not.toEqual([]);
  });

  it('moves a change in valid time when its effective time is corrected', () => {
    const { stream, fulfilled } = loan();
    stream.correct(fulfilled, { effectiveAt: parseEffectiveTime('2020-06-30') }, '2023-01-01T00:00:00Z');
    const beforeCorrection = '2022-12-31T23:59:59.999Z';
    const afterCorrection = '2023-01-01T00:00:00Z';
    expect(commitmentAsOf(stream.events, '2020-09-01T00:00:00Z', beforeCorrection)?.status).toBe('pledged');
    expect(commitmentAsOf(stream.events, '2020-09-01T00:00:00Z', afterCorrection)?.status).toBe('fulfilled');
    expect(commitmentAsOf(stream.events, '2020-06-29T23:59:59.999Z', afterCorrection)?.status).toBe('pledged');
    expect(commitmentAsOf(stream.events, '2020-06-30T12:00:00Z', afterCorrection)?.uncertain).toEqual([
      {
        eventId: 'e3',
        type: 'CommitmentStatusChanged',
        effectiveAt: { at: '2020-06-30T00:00:00.000Z', precision: 'day' },
        until: '2020-07-01T00:00:00.000Z',
      },
    ]);
    expect(commitmentAsOf(stream.events, '2022-06-01T00:00:00Z', beforeCorrection)?.status).toBe('fulfilled');
    expect(commitmentAsOf(stream.events, '2022-06-01T00:00:00Z', afterCorrection)).toMatchObject({
      status: 'fulfilled',
      streamVersion: 4,
    });
  });

  it('applies a correction of data from the corrected event on', () => {
    const { stream, payment } = loan();
    stream.correct(payment, { data: { amount: '250000000' } }, '2023-01-01T00:00:00Z');
    expect(commitmentAsOf(stream.events, '2021-01-01T00:00:00Z', '2022-12-31T00:00:00Z')?.disbursed).toBe('200000000');
    expect(commitmentAsOf(stream.events, '2021-01-01T00:00:00Z', LATER)?.disbursed).toBe('250000000');
  });

  it('applies a retroactive amendment of terms after its date', () => {
    const { stream } = loan();
    stream.amend({ amount: '1000000000', conditions: ['tax manoeuvre compensated'] }, '2020-06', '2020-07-01T00:00:00Z');
    stream.amend({ currency: null, conditions: null }, '2021-01', '2021-02-01T00:00:00Z');
    expect(commitmentAsOf(stream.events, '2020-07-01T00:00:00Z', LATER)).toMatchObject({
      terms: { amount: '1000000000', currency: 'USD', conditions: ['tax manoeuvre compensated'] },
      outstanding: '800000000',
    });
    const later = commitmentAsOf(stream.events, '2021-02-01T00:00:00Z', LATER);
    expect(later?.terms).toEqual({ amount: '1000000000' });
    expect(later?.currency).toBeNull();
  });

  it('folds in valid-time order, then stream version, leniently, without throwing', () => {
    const stream = new StreamBuilder();
    stream.record('2020', '2020-01-10T00:00:00Z', { terms: { amount: '10', currency: 'USD' } });
    stream.status('pledged', 'broken', '2021-05', '2021-06-01T00:00:00Z');
    stream.status('pledged', 'fulfilled', '2021-02', '2021-07-01T00:00:00Z'); // says from pledged, but comes first in valid time
    stream.disburse('8', '2019-06', '2021-08-01T00:00:00Z'); // before the record's own date
    stream.disburse('7', '2021-02', '2021-09-01T00:00:00Z', 'EUR'); // another currency, more than outstanding
    stream.add({ type: 'SomethingElse', data: {}, effective: '2020', recordedAt: '2021-10-01T00:00:00Z' });
    stream.add({
      type: 'CommitmentDisbursed',
      data: { commitmentId: 'c-other', amount: '1000', currency: 'USD' },
      effective: '2020',
      recordedAt: '2021-11-01T00:00:00Z',
    });
    const result = commitmentAsOf([...stream.events].reverse(), '2022-01-01T00:00:00Z', LATER);
    expect(result).toMatchObject({
      status: 'broken',
      disbursed: '15',
      outstanding: '-5',
      eventIds: ['e1', 'e4', 'e3', 'e5', 'e2'],
      streamVersion: 7,
    });
    expect(commitmentAsOf(stream.events, '2020-01-01T00:00:00Z', LATER)).toMatchObject({
      disbursed: '8',
      eventIds: ['e1', 'e4'],
    });
  });

  it('takes the first CommitmentRecorded as the record and ignores later ones', () => {
    const { stream, record } = loan();
    stream.record('2018', '2023-01-01T00:00:00Z', { title: 'Recorded twice' });
    expect(commitmentAsOf(stream.events, '2019-06-01T00:00:00Z', LATER)).toBeUndefined();
    expect(commitmentAsOf(stream.events, '2022-06-01T00:00:00Z', LATER)).toMatchObject({
      title: 'State loan of USD 600 million',
      eventIds: ['e1', 'e2', 'e3'],
      streamVersion: 4,
    });
    // Once the first is retracted, the next one is the record.
    stream.retract(record, '2023-02-01T00:00:00Z');
    expect(commitmentAsOf(stream.events, '2019-06-01T00:00:00Z', LATER)).toMatchObject({
      title: 'Recorded twice',
      eventIds: ['e4'],
    });
  });

  it('orders events that start together by stream version', () => {
    const stream = new StreamBuilder();
    stream.record('2020', '2020-01-10T00:00:00Z');
    stream.amend({ amount: '1' }, '2021-03', '2021-04-01T00:00:00Z');
    stream.amend({ amount: '2' }, '2021', '2021-05-01T00:00:00Z');
    stream.amend({ amount: '3' }, '2021-03-01T00:00:00Z', '2021-06-01T00:00:00Z');
    const result = commitmentAsOf(stream.events, '2021-03-01T00:00:00Z', LATER);
    expect(result?.eventIds).toEqual(['e1', 'e3', 'e2', 'e4']);
    expect(result?.terms.amount).toBe('3');
    // The instant is never uncertain; the year and the month still are.
    expect(result?.uncertain.map((event) => event.eventId)).toEqual(['e3', 'e2']);
  });

  it('keeps a range uncertain over its whole period', () => {
    const stream = new StreamBuilder();
    stream.record('2020-01-15', '2020-01-20T00:00:00Z');
    stream.disburse('5', '2021-09/2021-10', '2021-12-01T00:00:00Z');
    const at = (asOf: string) => commitmentAsOf(stream.events, asOf, LATER);
    expect(at('2021-08-31T23:59:59.999Z')?.disbursed).toBe('0');
    expect(at('2021-09-01T00:00:00Z')?.uncertain.map((event) => event.until)).toEqual(['2021-11-01T00:00:00.000Z']);
    expect(at('2021-10-31T23:59:59.998Z')?.uncertain).toHaveLength(1);
    // The close of October, the range's last instant: the range is over.
    expect(at('2021-10-31T23:59:59.999Z')).toMatchObject({ disbursed: '5', uncertain: [] });
    expect(at('2021-11-01T00:00:00Z')).toMatchObject({ disbursed: '5', uncertain: [] });
  });

  it('refuses asOf and knownAt that are not instants', () => {
    const { stream } = loan();
    expect(() => commitmentAsOf(stream.events, 'tomorrow', LATER)).toThrow(InvalidEffectiveTime);
    expect(() => commitmentAsOf(stream.events, '2021-01-01T00:00:00Z', '2021-01-01T00:00:00')).toThrow(InvalidEffectiveTime);
  });
});

describe('commitmentSegments', () => {
  it('cuts the valid-time line where events start and at the last instant of their periods', () => {
    const { stream } = loan();
    const segments = commitmentSegments(stream.events, LATER);
    expect(segments.map(({ validFrom, validTo, state }) => [validFrom, validTo, state.eventIds.length, state.uncertain.length])).toEqual([
      ['2019-12-01T00:00:00.000Z', '2019-12-31T23:59:59.999Z', 1, 1],
      ['2019-12-31T23:59:59.999Z', '2020-03-15T00:00:00.000Z', 1, 0],
      ['2020-03-15T00:00:00.000Z', '2020-03-15T23:59:59.999Z', 2, 1],
      ['2020-03-15T23:59:59.999Z', '2021-12-01T00:00:00.000Z', 2, 0],
      ['2021-12-01T00:00:00.000Z', '2021-12-31T23:59:59.999Z', 3, 1],
      ['2021-12-31T23:59:59.999Z', null, 3, 0],
    ]);
    expect(segments[5].state).toEqual(commitmentAsOf(stream.events, '2040-01-01T00:00:00Z', LATER));
  });

  it('follows knownAt', () => {
    const { stream } = loan();
    expect(commitmentSegments(stream.events, '2020-01-10T08:59:59.999Z')).toEqual([]);
    expect(commitmentSegments(stream.events, '2020-01-10T09:00:00Z').map((segment) => segment.validTo)).toEqual([
      '2019-12-31T23:59:59.999Z',
      null,
    ]);
  });

  it('finds the segment that covers an instant', () => {
    const { stream } = loan();
    const segments = commitmentSegments(stream.events, LATER);
    expect(commitmentSegmentAt(segments, '2019-11-30T23:59:59.999Z')).toBeUndefined();
    expect(commitmentSegmentAt(segments, '2020-03-15T00:00:00Z')).toBe(segments[2]);
    expect(commitmentSegmentAt(segments, '2020-03-15T23:59:59.998Z')).toBe(segments[2]);
    expect(commitmentSegmentAt(segments, '2020-03-15T23:59:59.999Z')).toBe(segments[3]);
    expect(commitmentSegmentAt(segments, '2099-01-01T00:00:00Z')).toBe(segments[5]);
  });

  it('gives an event that starts 1 ms after the record a segment of its own', () => {
    const stream = new StreamBuilder();
    stream.record('2020-03-15T00:00:00Z', '2020-04-01T00:00:00Z');
    stream.disburse('1', '2020-03-15T00:00:00.001Z', '2020-04-02T00:00:00Z');
    const segments = commitmentSegments(stream.events, LATER);
    expect(segments.map(({ validFrom, validTo, state }) => [validFrom, validTo, state.disbursed])).toEqual([
      ['2020-03-15T00:00:00.000Z', '2020-03-15T00:00:00.001Z', '0'],
      ['2020-03-15T00:00:00.001Z', null, '1'],
    ]);
  });

  it('starts when the record counts even if other events start earlier', () => {
    const stream = new StreamBuilder();
    stream.record('2020-06-01T00:00:00Z', '2020-06-02T00:00:00Z');
    stream.disburse('1', '2019', '2020-07-01T00:00:00Z'); // period over before the record
    stream.disburse('2', '2020', '2020-08-01T00:00:00Z'); // period still running when the record counts
    const segments = commitmentSegments(stream.events, LATER);
    expect(segments.map(({ validFrom, validTo }) => [validFrom, validTo])).toEqual([
      ['2020-06-01T00:00:00.000Z', '2020-12-31T23:59:59.999Z'],
      ['2020-12-31T23:59:59.999Z', null],
    ]);
    expect(segments[0].state).toMatchObject({ disbursed: '3', eventIds: ['e1', 'e2', 'e3'] });
    expect(segments[0].state.uncertain.map((event) => event.eventId)).toEqual(['e3']);
  });
});
