import fc from 'fast-check';
import { COMMITMENT_STATUSES, CommitmentStatus } from '../commitments/vocabulary';
import { EffectiveTime, parseEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { commitmentAsOf } from '../temporal/commitment-as-of';
import { commitmentSegments } from '../temporal/commitment-segments';
import { StreamBuilder } from '../temporal/temporal-fixtures';
import {
  applyFieldChanges,
  auditedFields,
  commitmentHistory,
  effectiveAxis,
  END_OF_TIME,
  RECORDED,
  FieldChange,
  fieldChanges,
  knowledgeAxis,
} from './audit';

// ---------------------------------------------------------------- generators

const MIN = Date.parse('2018-01-01T00:00:00.000Z');
const MAX = Date.parse('2023-12-31T23:59:59.999Z');

const effective: fc.Arbitrary<EffectiveTime> = fc
  .tuple(fc.constantFrom('year', 'month', 'day', 'instant'), fc.integer({ min: MIN, max: MAX }))
  .map(([precision, millis]) => {
    const iso = new Date(millis).toISOString();
    const length = precision === 'year' ? 4 : precision === 'month' ? 7 : precision === 'day' ? 10 : iso.length;
    return parseEffectiveTime(iso.slice(0, length));
  });

const amount = fc.bigInt({ min: 0n, max: 10n ** 10n }).map(String);
const status = fc.constantFrom<CommitmentStatus>(...COMMITMENT_STATUSES);
const list = fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 2 });

const termChanges = fc.record(
  {
    amount: fc.option(amount, { nil: null }),
    currency: fc.option(fc.constantFrom('USD', 'EUR'), { nil: null }),
    restrictions: fc.option(list, { nil: null }),
    conditions: fc.option(list, { nil: null }),
    description: fc.option(fc.constantFrom('first', 'second'), { nil: null }),
  },
  { requiredKeys: [] },
);

const patch: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ amount }),
  fc.record({ to: status }),
  fc.record({ changes: termChanges }),
  fc.record({ terms: termChanges }),
  fc.record({ status }),
  fc.constant({ title: 'Renamed' }),
);

type Op =
  | { readonly kind: 'amend'; readonly changes: Record<string, unknown>; readonly effective: EffectiveTime }
  | { readonly kind: 'disburse'; readonly amount: string; readonly effective: EffectiveTime }
  | { readonly kind: 'status'; readonly to: CommitmentStatus; readonly effective: EffectiveTime }
  | { readonly kind: 'correct'; readonly target: number; readonly patch: Record<string, unknown>; readonly effective?: EffectiveTime }
  | { readonly kind: 'retract'; readonly target: number }
  | { readonly kind: 'ghost' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('amend' as const), changes: termChanges, effective }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('disburse' as const), amount, effective }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), to: status, effective }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { kind: fc.constant('correct' as const), target: fc.nat(), patch, effective },
      { requiredKeys: ['kind', 'target', 'patch'] },
    ),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retract' as const), target: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'ghost' as const }) },
);

/** A commitment stream; recordedAt never decreases and often repeats (several events in one transaction). */
const stream: fc.Arbitrary<RecordedEvent[]> = fc
  .record({
    recordEffective: effective,
    recordAmount: fc.option(amount, { nil: undefined }),
    firstRecordedAt: fc.integer({ min: MIN, max: MAX }),
    steps: fc.array(fc.tuple(op, fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 * 3_600_000 }))), {
      maxLength: 20,
    }),
  })
  .map(({ recordEffective, recordAmount, firstRecordedAt, steps }) => {
    const builder = new StreamBuilder();
    let recordedAt = firstRecordedAt;
    const at = () => new Date(recordedAt).toISOString();
    builder.record(recordEffective, at(), {
      terms: recordAmount === undefined ? { currency: 'USD' } : { amount: recordAmount, currency: 'USD' },
    });
    for (const [step, gap] of steps) {
      recordedAt += gap;
      const pick = (index: number) => builder.events[index % builder.events.length];
      switch (step.kind) {
        case 'amend':
          builder.amend(step.changes, step.effective, at());
          break;
        case 'disburse':
          builder.disburse(step.amount, step.effective, at());
          break;
        case 'status':
          builder.status('pledged', step.to, step.effective, at());
          break;
        case 'correct':
          builder.correct(
            pick(step.target),
            { data: step.patch, ...(step.effective !== undefined && { effectiveAt: step.effective }) },
            at(),
          );
          break;
        case 'retract':
          builder.retract(pick(step.target), at());
          break;
        case 'ghost':
          builder.retract({ ...pick(0), id: 'nowhere' }, at());
          break;
      }
    }
    return builder.events;
  });

/** Plain JSON objects with keys free of dots, nested a few levels. */
const { json } = fc.letrec<{ json: unknown; object: Record<string, unknown> }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, 1, 'x', 'y'),
    fc.array(fc.constantFrom(1, 'a', null), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'terms', 'amount'), tie('json'), { maxKeys: 4 }),
}));
const jsonObject = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'terms', 'amount'), json, { maxKeys: 5 });

// ---------------------------------------------------------------- helpers

/** Object keys holding null or undefined removed, recursively (arrays kept whole): what the diff tells apart. */
function withoutNulls(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null && item !== undefined)
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}

function replay(changeLists: readonly (readonly FieldChange[])[]): unknown {
  return changeLists.reduce<unknown>((state, changes) => applyFieldChanges(state, changes), {});
}

function expectSameFields(actual: unknown, expected: unknown): void {
  expect(fieldChanges(actual, expected)).toEqual([]);
  expect(withoutNulls(actual)).toEqual(withoutNulls(expected));
}

const RUNS = { numRuns: 200 };

// ---------------------------------------------------------------- properties

describe('fieldChanges (properties)', () => {
  it('applying the changes from a to b to a gives b, and no changes from a value to itself', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (a, b) => {
        const changes = fieldChanges(a, b);
        expectSameFields(applyFieldChanges(a, changes), b);
        expect(fieldChanges(a, a)).toEqual([]);
        const paths = changes.map((change) => change.path);
        expect(paths).toEqual([...paths].sort());
        expect(new Set(paths).size).toBe(paths.length);
      }),
      { numRuns: 500 },
    );
  });

  it('the changes from b to a are those from a to b, reversed', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (a, b) => {
        expect(fieldChanges(b, a)).toEqual(fieldChanges(a, b).map(({ path, from, to }) => ({ path, from: to, to: from })));
      }),
      { numRuns: 500 },
    );
  });
});

describe('audit views (properties)', () => {
  it('commitmentHistory: one version per event, and its changes replayed from {} give the final state', () => {
    fc.assert(
      fc.property(stream, (events) => {
        const history = commitmentHistory(events);
        expect(history.map((version) => version.version)).toEqual(events.map((event) => event.streamVersion));
        const final = auditedFields(commitmentAsOf(events, END_OF_TIME, END_OF_TIME, RECORDED));
        expectSameFields(replay(history.map((version) => version.changes)), final);
        // Each prefix too: the state after version k is the fold of the first k events.
        history.forEach((_, index) => {
          const prefix = events.slice(0, index + 1);
          expectSameFields(
            replay(history.slice(0, index + 1).map((version) => version.changes)),
            auditedFields(commitmentAsOf(prefix, END_OF_TIME, END_OF_TIME, RECORDED)),
          );
        });
      }),
      RUNS,
    );
  });

  it('knowledgeAxis: every event once, recorded times ascending, changes replayed give the last belief', () => {
    fc.assert(
      fc.property(stream, (events) => {
        const axis = knowledgeAxis(events);
        expect(axis.flatMap((entry) => entry.eventIds)).toEqual(events.map((event) => event.id));
        const times = axis.map((entry) => Date.parse(entry.recordedAt));
        times.slice(1).forEach((time, index) => expect(time).toBeGreaterThan(times[index]));
        const last = axis[axis.length - 1].recordedAt;
        expectSameFields(replay(axis.map((entry) => entry.changes)), auditedFields(commitmentAsOf(events, END_OF_TIME, last, RECORDED)));
        // recordedAt never decreases here, so what we end up believing is what the history ends with.
        expectSameFields(replay(axis.map((entry) => entry.changes)), replay(commitmentHistory(events).map((version) => version.changes)));
      }),
      RUNS,
    );
  });

  it('effectiveAxis: one entry per segment, new events listed once, changes replayed give the last segment', () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: MIN, max: MAX + 2000 * 3_600_000 }), (events, millis) => {
        const knownAt = new Date(millis).toISOString();
        const segments = commitmentSegments(events, knownAt);
        const axis = effectiveAxis(events, knownAt);
        expect(axis.map(({ validFrom, validTo }) => ({ validFrom, validTo }))).toEqual(
          segments.map(({ validFrom, validTo }) => ({ validFrom, validTo })),
        );
        if (segments.length === 0) return;
        const last = segments[segments.length - 1].state;
        expect(axis.flatMap((entry) => entry.eventIds)).toEqual(last.eventIds);
        expectSameFields(replay(axis.map((entry) => entry.changes)), auditedFields(last));
      }),
      RUNS,
    );
  });
});
