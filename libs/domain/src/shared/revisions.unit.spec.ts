import { InvalidEffectiveTime, parseEffectiveTime } from './effective-time';
import type { RecordedEvent } from './envelope';
import {
  applyRevisions,
  findRevisionProblems,
  isEventCorrected,
  isEventRetracted,
  isRevisionEvent,
  isRevisionEventType,
  mergeCorrectedData,
  REVISION_EVENT_TYPES,
} from './revisions';
import { StreamBuilder } from '../temporal/temporal-fixtures';

const ids = (events: readonly RecordedEvent[]) => events.map((event) => event.id);
const shuffled = <T>(items: readonly T[]): T[] => [...items].reverse();

/** A loan, a disbursement and a status change, recorded in 2020–2022. */
function loanStream() {
  const stream = new StreamBuilder();
  const record = stream.record('2019-12', '2020-01-10T09:00:00Z');
  const payment = stream.disburse('200000000', '2020-03-15', '2020-03-20T09:00:00Z');
  const fulfilled = stream.status('pledged', 'fulfilled', '2021-12', '2022-01-05T09:00:00Z');
  return { stream, record, payment, fulfilled };
}

describe('revision event types', () => {
  it('lists both revisions', () => {
    expect(REVISION_EVENT_TYPES).toEqual(['EventCorrected', 'EventRetracted']);
    expect(isRevisionEventType('EventCorrected')).toBe(true);
    expect(isRevisionEventType('EventRetracted')).toBe(true);
    expect(isRevisionEventType('CommitmentRecorded')).toBe(false);
  });

  it('tells revisions apart', () => {
    const { stream, payment } = loanStream();
    const correction = stream.correct(payment, { data: { amount: '1' } }, '2022-02-01T00:00:00Z');
    const retraction = stream.retract(payment, '2022-03-01T00:00:00Z');
    expect([isRevisionEvent(payment), isRevisionEvent(correction), isRevisionEvent(retraction)]).toEqual([false, true, true]);
    expect([isEventCorrected(correction), isEventCorrected(retraction)]).toEqual([true, false]);
    expect([isEventRetracted(correction), isEventRetracted(retraction)]).toEqual([false, true]);
  });
});

describe('applyRevisions', () => {
  it('returns a stream without revisions as it is, in stream-version order', () => {
    const { stream } = loanStream();
    const result = applyRevisions(shuffled(stream.events));
    expect(ids(result)).toEqual(['e1', 'e2', 'e3']);
    expect(result[1]).toBe(stream.events[1]);
  });

  it('keeps only the events recorded at or before knownAt, compared as instants', () => {
    const { stream } = loanStream();
    expect(ids(applyRevisions(stream.events, '2020-03-20T08:59:59.999Z'))).toEqual(['e1']);
    expect(ids(applyRevisions(stream.events, '2020-03-20T09:00:00Z'))).toEqual(['e1', 'e2']);
    expect(ids(applyRevisions(stream.events, '2020-03-20T12:00:00+03:00'))).toEqual(['e1', 'e2']);
    expect(ids(applyRevisions(stream.events, '2019'))).toEqual([]);
    expect(ids(applyRevisions(stream.events, '2030'))).toEqual(['e1', 'e2', 'e3']);
  });

  it('refuses a knownAt that is not an instant', () => {
    expect(() => applyRevisions([], '2020-03-20T09:00:00')).toThrow(InvalidEffectiveTime);
  });

  it('removes a retracted event and the retraction, once the retraction is known', () => {
    const { stream } = loanStream();
    stream.retract(stream.events[1], '2022-06-01T00:00:00Z');
    expect(ids(applyRevisions(stream.events, '2022-05-31T23:59:59.999Z'))).toEqual(['e1', 'e2', 'e3']);
    expect(ids(applyRevisions(stream.events, '2022-06-01T00:00:00Z'))).toEqual(['e1', 'e3']);
    expect(ids(applyRevisions(stream.events))).toEqual(['e1', 'e3']);
  });

  it('replaces a corrected event by a corrected copy, once the correction is known', () => {
    const { stream, payment } = loanStream();
    stream.correct(payment, { effectiveAt: parseEffectiveTime('2020-02'), data: { amount: '250000000' } }, '2022-06-01T00:00:00Z');
    const before = applyRevisions(stream.events, '2022-05-31T23:59:59.999Z');
    expect(before[1]).toBe(payment);
    const after = applyRevisions(stream.events, '2022-06-01T00:00:00Z');
    expect(ids(after)).toEqual(['e1', 'e2', 'e3']);
    expect(after[1]).toEqual({
      ...payment,
      effectiveAt: { at: '2020-02-01T00:00:00.000Z', precision: 'month' },
      data: { commitmentId: 'c-ru-by-loan', amount: '250000000', currency: 'USD' },
    });
    expect(payment.data).toEqual({ commitmentId: 'c-ru-by-loan', amount: '200000000', currency: 'USD' });
  });

  it('changes only the effective time when only that is corrected', () => {
    const { stream, fulfilled } = loanStream();
    stream.correct(fulfilled, { effectiveAt: parseEffectiveTime('2021-09/2021-10') }, '2022-06-01T00:00:00Z');
    const [, , corrected] = applyRevisions(stream.events);
    expect(corrected.effectiveAt).toEqual({
      at: '2021-09-01T00:00:00.000Z',
      precision: 'range',
      until: '2021-11-01T00:00:00.000Z',
    });
    expect(corrected.data).toBe(fulfilled.data);
  });

  it('merges data changes deeply: objects merge, null removes, arrays and scalars replace', () => {
    const { stream, record } = loanStream();
    stream.amend({ conditions: ['a', 'b'] }, '2020-05', '2020-06-01T00:00:00Z');
    stream.correct(
      record,
      { data: { title: 'State loan', terms: { amount: '630000000', currency: null, unit: 'USD' } } },
      '2022-06-01T00:00:00Z',
    );
    stream.correct(stream.events[3], { data: { changes: { conditions: ['c'] } } }, '2022-06-02T00:00:00Z');
    const [corrected, , , amendment] = applyRevisions(stream.events);
    expect(corrected.data).toEqual({
      commitmentId: 'c-ru-by-loan',
      kind: 'loan',
      title: 'State loan',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      terms: { amount: '630000000', unit: 'USD' },
    });
    expect(amendment.data).toEqual({ commitmentId: 'c-ru-by-loan', changes: { conditions: ['c'] } });
  });

  it('applies several corrections of one event in recordedAt order, whatever the input order', () => {
    const { stream, payment } = loanStream();
    stream.correct(payment, { data: { amount: '1' } }, '2022-06-01T00:00:00Z');
    stream.correct(payment, { data: { amount: '2', note: 'x' } }, '2022-07-01T00:00:00Z');
    stream.correct(payment, { data: { note: null }, effectiveAt: parseEffectiveTime('2020') }, '2022-08-01T00:00:00Z');
    const check = (knownAt: string | undefined, expected: Record<string, unknown>, precision: string) => {
      const corrected = applyRevisions(shuffled(stream.events), knownAt)[1];
      expect(corrected.data).toEqual({ commitmentId: 'c-ru-by-loan', currency: 'USD', ...expected });
      expect(corrected.effectiveAt.precision).toBe(precision);
    };
    check('2022-06-15T00:00:00Z', { amount: '1' }, 'day');
    check('2022-07-15T00:00:00Z', { amount: '2', note: 'x' }, 'day');
    check(undefined, { amount: '2' }, 'year');
  });

  it('lets a retraction win over corrections before and after it', () => {
    const { stream, payment } = loanStream();
    stream.correct(payment, { data: { amount: '1' } }, '2022-06-01T00:00:00Z');
    stream.retract(payment, '2022-07-01T00:00:00Z');
    stream.correct(payment, { data: { amount: '2' } }, '2022-08-01T00:00:00Z');
    expect(ids(applyRevisions(stream.events, '2022-06-15T00:00:00Z'))).toEqual(['e1', 'e2', 'e3']);
    expect(ids(applyRevisions(stream.events))).toEqual(['e1', 'e3']);
    expect(findRevisionProblems(stream.events)).toEqual([]);
  });

  it('ignores revisions of unknown events, of revisions, of the wrong type or malformed, and reports them', () => {
    const { stream, payment } = loanStream();
    const ghost = { ...payment, id: 'ghost' };
    stream.retract(ghost, '2022-06-01T00:00:00Z'); // e4: unknown event
    const correction = stream.correct(payment, { data: { amount: '7' } }, '2022-06-02T00:00:00Z'); // e5: fine
    stream.retract(correction, '2022-06-03T00:00:00Z'); // e6: revises a revision
    stream.retract(payment, '2022-06-04T00:00:00Z', 'CommitmentStatusChanged'); // e7: wrong type
    stream.add({
      type: 'EventCorrected',
      data: { eventId: 'e2', eventType: 'CommitmentDisbursed', changes: { effectiveAt: { at: 'soon', precision: 'day' } }, reason: 'r' },
      effective: '2022',
      recordedAt: '2022-06-05T00:00:00Z',
    }); // e8: malformed effective time
    stream.add({ type: 'EventRetracted', data: { reason: 'r' }, effective: '2022', recordedAt: '2022-06-06T00:00:00Z' }); // e9
    stream.add({
      type: 'EventCorrected',
      data: { eventId: 'e2', eventType: 'CommitmentDisbursed', changes: { data: ['x'] }, reason: 'r' },
      effective: '2022',
      recordedAt: '2022-06-07T00:00:00Z',
    }); // e10: data not an object
    const result = applyRevisions(stream.events);
    expect(ids(result)).toEqual(['e1', 'e2', 'e3']);
    expect(result[1].data).toEqual({ commitmentId: 'c-ru-by-loan', amount: '7', currency: 'USD' });
    expect(findRevisionProblems(shuffled(stream.events)).map(({ code, revisionId, eventId }) => ({ code, revisionId, eventId }))).toEqual([
      { code: 'unknown_event', revisionId: 'e4', eventId: 'ghost' },
      { code: 'revises_revision', revisionId: 'e6', eventId: 'e5' },
      { code: 'event_type_mismatch', revisionId: 'e7', eventId: 'e2' },
      { code: 'malformed_revision', revisionId: 'e8', eventId: 'e2' },
      { code: 'malformed_revision', revisionId: 'e9', eventId: undefined },
      { code: 'malformed_revision', revisionId: 'e10', eventId: 'e2' },
    ]);
    expect(findRevisionProblems(stream.events)[0].message).toMatch(/EventRetracted e4: names event ghost/);
  });

  it('ignores a revision that names an event recorded after it', () => {
    const stream = new StreamBuilder();
    stream.record('2019-12', '2020-01-10T00:00:00Z');
    stream.add({
      type: 'EventRetracted',
      data: { eventId: 'e3', eventType: 'CommitmentDisbursed', reason: 'premature' },
      effective: '2020',
      recordedAt: '2020-02-01T00:00:00Z',
    });
    stream.disburse('5', '2020-03', '2020-03-01T00:00:00Z');
    expect(ids(applyRevisions(stream.events))).toEqual(['e1', 'e3']);
    expect(findRevisionProblems(stream.events).map((problem) => problem.code)).toEqual(['revises_later_event']);
  });

  it('reports a revision of an event not yet known as unknown only without it in the list', () => {
    const { stream, payment } = loanStream();
    stream.retract(payment, '2022-06-01T00:00:00Z');
    const withoutPayment = stream.events.filter((event) => event !== payment);
    expect(findRevisionProblems(stream.events)).toEqual([]);
    expect(findRevisionProblems(withoutPayment).map((problem) => problem.code)).toEqual(['unknown_event']);
    expect(ids(applyRevisions(withoutPayment))).toEqual(['e1', 'e3']);
  });

  it('does not change its input', () => {
    const { stream, payment } = loanStream();
    stream.correct(payment, { data: { amount: '1' } }, '2022-06-01T00:00:00Z');
    const input = shuffled(stream.events);
    const copy = JSON.parse(JSON.stringify(input));
    applyRevisions(input);
    expect(input).toEqual(copy);
  });
});

describe('mergeCorrectedData', () => {
  it.each<[string, unknown, Record<string, unknown>, unknown]>([
    ['replaces a scalar', { a: 1, b: 2 }, { a: 3 }, { a: 3, b: 2 }],
    ['adds a key', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ['removes a key with null', { a: 1, b: 2 }, { b: null }, { a: 1 }],
    ['leaves a key given undefined', { a: 1 }, { a: undefined }, { a: 1 }],
    ['merges nested objects', { o: { x: 1, y: 2 } }, { o: { y: 3, z: 4 } }, { o: { x: 1, y: 3, z: 4 } }],
    ['removes nested keys', { o: { x: 1, y: 2 } }, { o: { y: null } }, { o: { x: 1 } }],
    ['replaces arrays whole', { l: [1, 2, 3] }, { l: [4] }, { l: [4] }],
    ['replaces a scalar by an object, dropping its nulls', { o: 1 }, { o: { x: 1, y: null } }, { o: { x: 1 } }],
    ['replaces an object by a scalar', { o: { x: 1 } }, { o: 'text' }, { o: 'text' }],
    ['starts from nothing when data is not an object', 'text', { a: 1 }, { a: 1 }],
  ])('%s', (_, data, changes, expected) => {
    expect(mergeCorrectedData(data, changes)).toEqual(expected);
  });
});
