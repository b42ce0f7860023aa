import fc from 'fast-check';
import { COMMITMENT_STATUSES, CommitmentStatus, isOpenStatus } from '../commitments/vocabulary';
import { EffectiveTime, effectiveUntil, parseEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { applyRevisions, isRevisionEvent, resolveRevisions } from '../shared/revisions';
import { commitmentAsOf } from './commitment-as-of';
import { commitmentSegmentAt, CommitmentSegment, commitmentSegments } from './commitment-segments';
import { StreamBuilder } from './temporal-fixtures';

// ---------------------------------------------------------------- generators

const MIN = Date.parse('2018-01-01T00:00:00.000Z');
const MAX = Date.parse('2023-12-31T23:59:59.999Z');

/** Instants anywhere in 2018–2023, or from a few that collide often, so that periods share edges. */
const instant = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: MIN, max: MAX }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...[
        '2019-01-01T00:00:00Z',
        '2020-03-01T00:00:00Z',
        '2020-03-14T23:59:59.999Z',
        '2020-03-15T00:00:00Z',
        '2020-03-15T00:00:00.001Z',
        '2020-03-15T12:00:00Z',
        '2021-07-01T00:00:00Z',
      ].map(Date.parse),
    ),
  },
);

const pointText = fc.tuple(fc.constantFrom('year', 'month', 'day', 'instant'), instant).map(([precision, millis]) => {
  const iso = new Date(millis).toISOString();
  return precision === 'year' ? iso.slice(0, 4) : precision === 'month' ? iso.slice(0, 7) : precision === 'day' ? iso.slice(0, 10) : iso;
});

/** Any precision, ranges included; a range's ends are swapped when they come reversed. */
const effective: fc.Arbitrary<EffectiveTime> = fc.oneof(
  { weight: 4, arbitrary: pointText.map((text) => parseEffectiveTime(text)) },
  {
    weight: 1,
    arbitrary: fc.tuple(pointText, pointText).map(([a, b]) => {
      try {
        return parseEffectiveTime(`${a}/${b}`);
      } catch {
        return parseEffectiveTime(`${b}/${a}`);
      }
    }),
  },
);

const amount = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.nat({ max: 6 })).map(([units, shift]) => {
  const text = units.toString().padStart(shift + 1, '0');
  return shift === 0 ? text : `${text.slice(0, -shift)}.${text.slice(-shift)}`;
});

const status = fc.constantFrom<CommitmentStatus>(...COMMITMENT_STATUSES);
const currency = fc.constantFrom('USD', 'EUR', 'RUB');

const termChanges = fc.record(
  {
    amount: fc.option(amount, { nil: null }),
    currency: fc.option(currency, { nil: null }),
    conditions: fc.option(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 2 }), { nil: null }),
    description: fc.option(fc.constantFrom('first', 'second'), { nil: null }),
    validUntil: fc.option(pointText, { nil: null }),
  },
  { requiredKeys: [] },
);

/** Data patches for any event type; some do not fit the target, some are unreadable on purpose. */
const patch: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ amount }),
  fc.constant({ amount: 'not a number' }),
  fc.record({ currency }),
  fc.record({ to: status }),
  fc.constant({ to: 'granted' }),
  fc.record({ changes: termChanges }),
  fc.constant({ changes: 'garbage' }),
  fc.record({ terms: termChanges }),
  fc.record({ status }),
  fc.constant({ title: 'Renamed' }),
  fc.constant({ note: { deep: [1, 2] } }),
);

type Op =
  | { readonly kind: 'amend'; readonly changes: Record<string, unknown>; readonly effective: EffectiveTime }
  | { readonly kind: 'disburse'; readonly amount: string; readonly currency: string; readonly effective: EffectiveTime }
  | { readonly kind: 'status'; readonly to: CommitmentStatus; readonly effective: EffectiveTime }
  | { readonly kind: 'correctData'; readonly target: number; readonly patch: Record<string, unknown>; readonly wrongType: boolean }
  | { readonly kind: 'correctTime'; readonly target: number; readonly effective: EffectiveTime; readonly patch?: Record<string, unknown> }
  | { readonly kind: 'retract'; readonly target: number; readonly wrongType: boolean }
  | { readonly kind: 'ghost' }
  | { readonly kind: 'recordAgain'; readonly effective: EffectiveTime };

const rarely = fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const target = fc.nat();

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('amend' as const), changes: termChanges, effective }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('disburse' as const), amount, currency, effective }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), to: status, effective }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('correctData' as const), target, patch, wrongType: rarely }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { kind: fc.constant('correctTime' as const), target, effective, patch },
      { requiredKeys: ['kind', 'target', 'effective'] },
    ),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retract' as const), target, wrongType: rarely }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'ghost' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('recordAgain' as const), effective }) },
);

const HOUR = 3_600_000;

/** A commitment stream: the record first, then anything; recordedAt grows with streamVersion, effective times do not. */
const stream = fc
  .record({
    recordEffective: effective,
    recordAmount: fc.option(amount, { nil: undefined }),
    recordValidUntil: fc.option(pointText, { nil: undefined }),
    recordKind: fc.constantFrom('loan', 'loan', 'price', 'cash'),
    recordStatus: fc.constantFrom('requested', 'pledged'),
    firstRecordedAt: fc.integer({ min: Date.parse('2018-01-01T00:00:00Z'), max: Date.parse('2021-01-01T00:00:00Z') }),
    steps: fc.array(fc.tuple(op, fc.integer({ min: 1, max: 2000 * HOUR })), { maxLength: 25 }),
  })
  .map(({ recordEffective, recordAmount, recordValidUntil, recordKind, recordStatus, firstRecordedAt, steps }) => {
    const builder = new StreamBuilder();
    let recordedAt = firstRecordedAt;
    const at = () => new Date(recordedAt).toISOString();
    builder.record(recordEffective, at(), {
      status: recordStatus,
      kind: recordKind as 'loan',
      terms: {
        currency: 'USD',
        ...(recordAmount !== undefined && { amount: recordAmount }),
        ...(recordValidUntil !== undefined && { validUntil: recordValidUntil }),
      },
    });
    for (const [step, gap] of steps) {
      recordedAt += gap;
      const events = builder.events;
      const pick = (index: number) => events[index % events.length];
      switch (step.kind) {
        case 'amend':
          builder.amend(step.changes, step.effective, at());
          break;
        case 'disburse':
          builder.disburse(step.amount, step.effective, at(), step.currency);
          break;
        case 'status':
          builder.status('pledged', step.to, step.effective, at());
          break;
        case 'correctData': {
          const fixed = pick(step.target);
          builder.correct(fixed, { data: step.patch }, at(), step.wrongType ? 'Wrong' : fixed.type);
          break;
        }
        case 'correctTime':
          builder.correct(pick(step.target), { effectiveAt: step.effective, ...(step.patch !== undefined && { data: step.patch }) }, at());
          break;
        case 'retract': {
          const fixed = pick(step.target);
          builder.retract(fixed, at(), step.wrongType ? 'Wrong' : fixed.type);
          break;
        }
        case 'ghost':
          builder.retract({ ...pick(0), id: 'nowhere' }, at());
          break;
        case 'recordAgain':
          builder.record(step.effective, at(), { title: 'Recorded twice' });
          break;
      }
    }
    return builder.events;
  });

/** A time to probe: anywhere, or on (or 1 ms either side of) an edge the stream names. */
const probe: fc.Arbitrary<Probe> = fc.oneof(
  fc.record({
    kind: fc.constant('any' as const),
    millis: fc.integer({ min: Date.parse('2017-01-01T00:00:00Z'), max: Date.parse('2026-01-01T00:00:00Z') }),
  }),
  fc.record({ kind: fc.constant('edge' as const), index: fc.nat(), offset: fc.constantFrom(-1, 0, 1) }),
);

type Probe = { readonly kind: 'any'; readonly millis: number } | { readonly kind: 'edge'; readonly index: number; readonly offset: number };

function resolve(choice: Probe, edges: readonly number[]): string {
  if (choice.kind === 'any') return new Date(choice.millis).toISOString();
  const edge = edges.length === 0 ? MIN : edges[choice.index % edges.length];
  return new Date(edge + choice.offset).toISOString();
}

/** Every edge in valid time the stream mentions, corrected effective times included. */
function validTimeEdges(events: readonly RecordedEvent[]): number[] {
  const times: EffectiveTime[] = [];
  for (const event of events) {
    times.push(event.effectiveAt);
    const corrected = (event.data as { changes?: { effectiveAt?: EffectiveTime } }).changes?.effectiveAt;
    if (event.type === 'EventCorrected' && corrected) times.push(corrected);
  }
  const validity: number[] = [];
  for (const event of events) {
    const data = event.data as { terms?: { validUntil?: unknown }; changes?: { validUntil?: unknown; terms?: { validUntil?: unknown } } };
    for (const text of [data.terms?.validUntil, data.changes?.validUntil]) {
      if (typeof text === 'string') validity.push(Date.parse(effectiveUntil(parseEffectiveTime(text))));
    }
  }
  return [
    ...times.flatMap((time) => [Date.parse(time.at), Date.parse(effectiveUntil(time)) - 1, Date.parse(effectiveUntil(time))]),
    ...validity,
  ];
}

const transactionTimeEdges = (events: readonly RecordedEvent[]) => events.map((event) => Date.parse(event.recordedAt));

const minus1ms = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

function checkShape(segments: readonly CommitmentSegment[]): void {
  segments.forEach((segment, index) => {
    const next = segments[index + 1];
    if (next) {
      expect(segment.validTo).toBe(next.validFrom);
      expect(Date.parse(segment.validFrom)).toBeLessThan(Date.parse(next.validFrom));
      expect(segment.state).not.toEqual(next.state);
    } else {
      expect(segment.validTo).toBeNull();
    }
  });
}

// ---------------------------------------------------------------- properties

const RUNS = { numRuns: 300 };

describe('commitment over valid and transaction time (properties)', () => {
  it('an event is uncertain from its start to the last instant of its period, then certain (asOf at the close of a period)', () => {
    fc.assert(
      fc.property(stream, probe, probe, (events, asOfChoice, knownAtChoice) => {
        const asOf = resolve(asOfChoice, validTimeEdges(events));
        const knownAt = resolve(knownAtChoice, transactionTimeEdges(events));
        const state = commitmentAsOf(events, asOf, knownAt);
        if (!state) return;
        const at = Date.parse(asOf);
        const known = new Map(applyRevisions(events, knownAt).map((event) => [event.id, event]));
        for (const id of state.eventIds) {
          const time = known.get(id)!.effectiveAt;
          const last = Date.parse(effectiveUntil(time)) - 1;
          const uncertain = state.uncertain.some((event) => event.eventId === id);
          expect({ id, asOf, uncertain }).toEqual({ id, asOf, uncertain: time.precision !== 'instant' && at < last });
        }
      }),
      RUNS,
    );
  });

  it('an open commitment whose validity has ended is lapsed, with nothing outstanding, citing the validity', () => {
    fc.assert(
      fc.property(stream, probe, probe, (events, asOfChoice, knownAtChoice) => {
        const asOf = resolve(asOfChoice, validTimeEdges(events));
        const knownAt = resolve(knownAtChoice, transactionTimeEdges(events));
        const state = commitmentAsOf(events, asOf, knownAt);
        if (!state) return;
        const end =
          typeof state.terms.validUntil === 'string' ? Date.parse(effectiveUntil(parseEffectiveTime(state.terms.validUntil))) : undefined;
        if (state.lapsedAt !== null) {
          expect(state.status).toBe('lapsed');
          expect(Date.parse(state.lapsedAt)).toBe(end);
          expect(Date.parse(state.lapsedAt)).toBeLessThanOrEqual(Date.parse(asOf));
          expect(state.sources.status).toEqual(state.sources['terms.validUntil']);
        } else if (end !== undefined && end <= Date.parse(asOf)) {
          // Not lapsed although the validity ended: the events closed it first.
          expect(isOpenStatus(state.status)).toBe(false);
        }
        if (!['pledged', 'fulfilled', 'broken'].includes(state.status) || state.kind === 'price') expect(state.outstanding).toBeNull();
        if (state.kind === 'price') expect(state.disbursed).toBeNull();
      }),
      RUNS,
    );
  });

  it('every fact cites an event of the stream known at knownAt: a counting event, or a correction of one', () => {
    fc.assert(
      fc.property(stream, probe, probe, (events, asOfChoice, knownAtChoice) => {
        const asOf = resolve(asOfChoice, validTimeEdges(events));
        const knownAt = resolve(knownAtChoice, transactionTimeEdges(events));
        const state = commitmentAsOf(events, asOf, knownAt);
        if (!state) return;
        const allowed = new Set<string>(state.eventIds);
        for (const resolved of resolveRevisions(events, knownAt)) {
          if (allowed.has(resolved.event.id)) for (const correction of resolved.corrections) allowed.add(correction.id);
        }
        for (const [path, attribution] of Object.entries(state.sources)) {
          expect({ path, cited: allowed.has(attribution.eventId) }).toEqual({ path, cited: true });
          const event = events.find((candidate) => candidate.id === attribution.eventId)!;
          expect(attribution).toEqual({
            eventId: event.id,
            type: event.type,
            source: event.source,
            confidence: event.confidence,
            recordedAt: event.recordedAt,
          });
        }
        for (const path of ['effectiveAt', 'status', ...Object.keys(state.terms).map((key) => `terms.${key}`)]) {
          const value = path === 'effectiveAt' || path === 'status' ? true : (state.terms as Record<string, unknown>)[path.slice(6)];
          if (value !== undefined && value !== null) expect(state.sources).toHaveProperty([path]);
        }
      }),
      RUNS,
    );
  });

  it('the segment covering D is commitmentAsOf(D), and none covers D exactly when it is undefined', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.tuple(probe, probe), { minLength: 1, maxLength: 8 }), (events, probes) => {
        const validEdges = validTimeEdges(events);
        const recordedEdges = transactionTimeEdges(events);
        for (const [asOfChoice, knownAtChoice] of probes) {
          const asOf = resolve(asOfChoice, validEdges);
          const knownAt = resolve(knownAtChoice, recordedEdges);
          const segments = commitmentSegments(events, knownAt);
          const expected = commitmentAsOf(events, asOf, knownAt);
          const covering = commitmentSegmentAt(segments, asOf);
          expect(covering === undefined).toBe(expected === undefined);
          expect(covering?.state).toStrictEqual(expected);
        }
      }),
      RUNS,
    );
  });

  it('segments are sorted, contiguous, open-ended, adjacent ones differ, and each holds at both its ends', () => {
    fc.assert(
      fc.property(stream, fc.array(probe, { minLength: 1, maxLength: 4 }), (events, knownAts) => {
        const recordedEdges = transactionTimeEdges(events);
        for (const choice of knownAts) {
          const knownAt = resolve(choice, recordedEdges);
          const segments = commitmentSegments(events, knownAt);
          checkShape(segments);
          if (segments.length === 0) {
            for (const edge of validTimeEdges(events)) {
              expect(commitmentAsOf(events, new Date(edge).toISOString(), knownAt)).toBeUndefined();
            }
            continue;
          }
          expect(commitmentAsOf(events, minus1ms(segments[0].validFrom), knownAt)).toBeUndefined();
          for (const segment of segments) {
            expect(commitmentAsOf(events, segment.validFrom, knownAt)).toStrictEqual(segment.state);
            const last = segment.validTo === null ? '2099-12-31T23:59:59.999Z' : minus1ms(segment.validTo);
            expect(commitmentAsOf(events, last, knownAt)).toStrictEqual(segment.state);
          }
        }
      }),
      RUNS,
    );
  });

  it('does not depend on the order the events are given in', () => {
    fc.assert(
      fc.property(stream, probe, probe, fc.infiniteStream(fc.nat()), (events, asOfChoice, knownAtChoice, seeds) => {
        const asOf = resolve(asOfChoice, validTimeEdges(events));
        const knownAt = resolve(knownAtChoice, transactionTimeEdges(events));
        const keyed = events.map((event) => ({ event, key: seeds.next().value as number }));
        const shuffled = keyed.sort((a, b) => a.key - b.key).map(({ event }) => event);
        expect(commitmentAsOf(shuffled, asOf, knownAt)).toStrictEqual(commitmentAsOf(events, asOf, knownAt));
        expect(commitmentSegments(shuffled, knownAt)).toStrictEqual(commitmentSegments(events, knownAt));
        expect(applyRevisions(shuffled, knownAt)).toStrictEqual(applyRevisions(events, knownAt));
      }),
      RUNS,
    );
  });

  it('applyRevisions(knownAt) is applyRevisions of what was recorded by knownAt, without revisions, in stream order', () => {
    fc.assert(
      fc.property(stream, probe, (events, knownAtChoice) => {
        const knownAt = resolve(knownAtChoice, transactionTimeEdges(events));
        const known = events.filter((event) => Date.parse(event.recordedAt) <= Date.parse(knownAt));
        const revised = applyRevisions(events, knownAt);
        expect(revised).toStrictEqual(applyRevisions(known));
        expect(revised.some((event) => isRevisionEvent(event))).toBe(false);
        const versions = revised.map((event) => event.streamVersion);
        expect(versions).toEqual([...versions].sort((a, b) => a - b));
        const knownIds = new Set(known.map((event) => event.id));
        expect(revised.every((event) => knownIds.has(event.id))).toBe(true);
        expect(applyRevisions(events, '2099-01-01T00:00:00Z')).toStrictEqual(applyRevisions(events));
      }),
      RUNS,
    );
  });

  it('knowing more never changes the past of transaction time: the answer only depends on what was recorded by knownAt', () => {
    fc.assert(
      fc.property(stream, probe, probe, (events, asOfChoice, knownAtChoice) => {
        const asOf = resolve(asOfChoice, validTimeEdges(events));
        const knownAt = resolve(knownAtChoice, transactionTimeEdges(events));
        const known = events.filter((event) => Date.parse(event.recordedAt) <= Date.parse(knownAt));
        expect(commitmentAsOf(known, asOf, '2099-01-01T00:00:00Z')).toStrictEqual(commitmentAsOf(events, asOf, knownAt));
      }),
      RUNS,
    );
  });
});
