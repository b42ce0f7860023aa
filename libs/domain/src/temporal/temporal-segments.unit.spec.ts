import type { RecordedEvent } from '../shared/envelope';
import { parseEffectiveTime } from '../shared/effective-time';
import { commitmentAsOf } from './commitment-as-of';
import { commitmentSegments } from './commitment-segments';
import { temporalSegmentAt, temporalSegments } from './temporal-segments';
import { StreamBuilder } from './temporal-fixtures';

const LATER = '2030-01-01T00:00:00Z';

function loan() {
  const stream = new StreamBuilder();
  const record = stream.record('2019-12', '2020-01-10T09:00:00Z');
  const payment = stream.disburse('200000000', '2020-03-15', '2020-03-20T09:00:00Z');
  stream.status('pledged', 'fulfilled', '2021-12', '2022-01-05T09:00:00Z');
  return { stream, record, payment };
}

describe('temporalSegments', () => {
  it('gives the segments of commitmentSegments for commitmentAsOf', () => {
    const { stream, payment } = loan();
    stream.correct(payment, { effectiveAt: parseEffectiveTime('2020-02/2020-05'), data: { amount: '1' } }, '2022-06-01T00:00:00Z');
    for (const knownAt of ['2020-01-01T00:00:00Z', '2020-03-20T09:00:00Z', '2022-01-05T09:00:00Z', LATER]) {
      expect(temporalSegments(stream.events, knownAt, commitmentAsOf)).toStrictEqual(commitmentSegments(stream.events, knownAt));
    }
  });

  it('takes boundaries from corrected effective times, and only from what is known at knownAt', () => {
    const { stream, payment } = loan();
    stream.correct(payment, { effectiveAt: parseEffectiveTime('2020-07-01T12:00:00Z') }, '2022-06-01T00:00:00Z');
    const froms = (knownAt: string) => temporalSegments(stream.events, knownAt, commitmentAsOf).map((segment) => segment.validFrom);
    expect(froms(LATER)).toContain('2020-07-01T12:00:00.000Z');
    expect(froms(LATER)).not.toContain('2020-03-15T00:00:00.000Z');
    expect(froms('2022-05-31T00:00:00Z')).toContain('2020-03-15T00:00:00.000Z');
    expect(froms('2021-06-01T00:00:00Z')).not.toContain('2021-12-01T00:00:00.000Z');
  });

  it('leaves gaps where the fold is undefined and does not merge across them', () => {
    const { stream } = loan();
    // Defined in 2019-12 and from 2021-12 on, always the same value.
    const patchy = (_: readonly RecordedEvent[], asOf: string) => (asOf < '2020-01' || asOf >= '2021-12' ? { same: true } : undefined);
    const segments = temporalSegments(stream.events, LATER, patchy);
    expect(segments).toEqual([
      { validFrom: '2019-12-01T00:00:00.000Z', validTo: '2020-01-01T00:00:00.000Z', state: { same: true } },
      { validFrom: '2021-12-01T00:00:00.000Z', validTo: null, state: { same: true } },
    ]);
    expect(temporalSegmentAt(segments, '2020-06-01T00:00:00Z')).toBeUndefined();
    expect(temporalSegmentAt(segments, '2019-12-31T23:59:59.999Z')?.validFrom).toBe('2019-12-01T00:00:00.000Z');
    expect(temporalSegmentAt(segments, '2040-01-01T00:00:00Z')?.validTo).toBeNull();
  });

  it('is empty for an empty stream, a stream not known yet, or a fold never defined', () => {
    const { stream } = loan();
    expect(temporalSegments([], LATER, commitmentAsOf)).toEqual([]);
    expect(temporalSegments(stream.events, '2019-01-01T00:00:00Z', commitmentAsOf)).toEqual([]);
    expect(temporalSegments(stream.events, LATER, () => undefined)).toEqual([]);
  });

  it('skips effective times it cannot place', () => {
    const { stream } = loan();
    const odd = { ...stream.events[1], effectiveAt: { at: 'soon', precision: 'day' } } as unknown as RecordedEvent;
    const seen: string[] = [];
    temporalSegments([stream.events[0], odd], LATER, (_, asOf) => {
      seen.push(asOf);
      return undefined;
    });
    expect(seen).toEqual(['2019-12-01T00:00:00.000Z', '2019-12-31T23:59:59.999Z', '2020-01-01T00:00:00.000Z']);
  });
});
