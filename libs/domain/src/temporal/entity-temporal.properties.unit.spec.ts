import fc from 'fast-check';
import { TRACK_STATUSES } from '../tracks/vocabulary';
import { EffectiveTime, effectiveUntil, parseEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { resolveRevisions } from '../shared/revisions';
import type { FoldFacts } from './entity-fold';
import { commitmentAsOf } from './commitment-as-of';
import { commitmentSegments } from './commitment-segments';
import { deploymentAsOf } from './deployment-as-of';
import { occurrenceAsOf } from './occurrence-as-of';
import { partyAsOf } from './party-as-of';
import { AsOfFold, TemporalSegment, temporalSegmentAt, temporalSegments } from './temporal-segments';
import { StreamBuilder } from './temporal-fixtures';
import { trackAsOf } from './track-as-of';

// ---------------------------------------------------------------- generators

const MIN = Date.parse('2018-01-01T00:00:00.000Z');
const MAX = Date.parse('2023-12-31T23:59:59.999Z');

/** Instants anywhere in 2018–2023, or from a few that collide often, so that periods share edges. */
const instant = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: MIN, max: MAX }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...['2019-01-01T00:00:00Z', '2020-03-01T00:00:00Z', '2020-03-15T00:00:00Z', '2020-03-15T12:00:00Z', '2021-07-01T00:00:00Z'].map(
        Date.parse,
      ),
    ),
  },
);

const pointText = fc.tuple(fc.constantFrom('year', 'month', 'day', 'instant'), instant).map(([precision, millis]) => {
  const iso = new Date(millis).toISOString();
  return precision === 'year' ? iso.slice(0, 4) : precision === 'month' ? iso.slice(0, 7) : precision === 'day' ? iso.slice(0, 10) : iso;
});

/** An effective-time text of any precision, ranges included (ends swapped when reversed). */
const timeText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: pointText },
  {
    weight: 1,
    arbitrary: fc.tuple(pointText, pointText).map(([a, b]) => {
      try {
        parseEffectiveTime(`${a}/${b}`);
        return `${a}/${b}`;
      } catch {
        return `${b}/${a}`;
      }
    }),
  },
);

const effective: fc.Arbitrary<EffectiveTime> = timeText.map((text) => parseEffectiveTime(text));

const decimal = fc.tuple(fc.integer({ min: -1000, max: 100000 }), fc.nat({ max: 99 })).map(([whole, cents]) => `${whole}.${cents}`);
const party = fc.constantFrom('BY', 'RU', 'EU', 'EAEU');
const parties = fc.uniqueArray(party, { minLength: 1, maxLength: 3 });

type Data = Record<string, unknown>;

/** How to generate the streams of one aggregate. */
interface AggregateCase {
  readonly name: string;
  readonly fold: AsOfFold<object>;
  readonly creationType: string;
  readonly idField: string;
  readonly creation: fc.Arbitrary<Data>;
  /** The other events of the aggregate, with their data; none for aggregates of one event. */
  readonly changes: fc.Arbitrary<{ readonly type: string; readonly data: Data }> | null;
  /** Data patches for corrections; some do not fit the target, some are unreadable on purpose. */
  readonly patch: fc.Arbitrary<Data>;
}

const common: fc.Arbitrary<Data>[] = [fc.constant({ note: { deep: [1, 2] } }), fc.constant({ title: 'Renamed' })];

const CASES: readonly AggregateCase[] = [
  {
    name: 'party',
    fold: partyAsOf,
    creationType: 'PartyRegistered',
    idField: 'partyId',
    creation: fc.record({ partyId: party, name: fc.constantFrom('Belarus', 'Russia'), kind: fc.constantFrom('state', 'bloc') }),
    changes: null,
    patch: fc.oneof(
      ...common,
      fc.record({ name: fc.constantFrom('Republic of Belarus', 'Belarus') }),
      fc.record({ kind: fc.constantFrom('state', 'union', 'organisation', 'bloc') }),
      fc.constant({ name: null }),
    ),
  },
  {
    name: 'track',
    fold: trackAsOf,
    creationType: 'TrackOpened',
    idField: 'trackId',
    creation: fc.record(
      {
        trackId: fc.constant('t-1'),
        title: fc.constantFrom('Tax code', 'Gas market'),
        area: fc.constantFrom('taxation', 'energy'),
        kind: fc.constantFrom('program', 'agreement'),
        parties,
        status: fc.constantFrom(...TRACK_STATUSES),
        description: fc.constantFrom('first', 'second'),
      },
      { requiredKeys: ['trackId', 'title', 'area', 'kind', 'parties', 'status'] },
    ),
    changes: fc.oneof(
      fc.record({
        type: fc.constant('TrackStatusChanged'),
        data: fc.record({
          trackId: fc.constantFrom('t-1', 't-1', 't-1', 't-other'),
          from: fc.constantFrom(...TRACK_STATUSES),
          to: fc.constantFrom(...TRACK_STATUSES),
        }),
      }),
      fc.record({
        type: fc.constant('TrackDeadlineSet'),
        data: fc.record({
          trackId: fc.constant('t-1'),
          deadlineId: fc.constantFrom('a', 'b', 'c'),
          description: fc.constantFrom('signed', 'ratified'),
          due: timeText,
        }),
      }),
    ),
    patch: fc.oneof(
      ...common,
      fc.record({ to: fc.constantFrom(...TRACK_STATUSES) }),
      fc.constant({ to: 'granted' }),
      fc.record({ status: fc.constantFrom(...TRACK_STATUSES) }),
      fc.record({ due: timeText }),
      fc.constant({ due: 'someday' }),
      fc.record({ deadlineId: fc.constantFrom('a', 'b', 'z') }),
      fc.record({ parties }),
      fc.constant({ description: null }),
      fc.constant({ trackId: 't-other' }),
    ),
  },
  {
    name: 'deployment',
    fold: deploymentAsOf,
    creationType: 'DeploymentStarted',
    idField: 'deploymentId',
    creation: fc.record(
      {
        deploymentId: fc.constant('d-1'),
        asset: fc.constantFrom('fighters', 'troops'),
        quantity: fc.constantFrom('4', '1000'),
        unit: fc.constantFrom('aircraft', 'troops'),
        place: fc.constantFrom('Baranovichi', 'Grodno'),
        host: party,
        by: party,
        commandedBy: party,
        purpose: fc.constant('air defence'),
      },
      { requiredKeys: ['deploymentId', 'asset', 'place', 'host', 'by'] },
    ),
    changes: fc.record({
      type: fc.constant('DeploymentEnded'),
      data: fc.record(
        { deploymentId: fc.constantFrom('d-1', 'd-1', 'd-other'), reason: fc.constantFrom('rotated', 'withdrawn') },
        { requiredKeys: ['deploymentId'] },
      ),
    }),
    patch: fc.oneof(
      ...common,
      fc.record({ quantity: fc.constantFrom('5', '12.5') }),
      fc.constant({ quantity: null, unit: null }),
      fc.record({ commandedBy: party }),
      fc.constant({ reason: 'corrected reason' }),
      fc.constant({ reason: null }),
      fc.constant({ place: 'Minsk' }),
      fc.constant({ deploymentId: 'd-other' }),
    ),
  },
  {
    name: 'occurrence',
    fold: occurrenceAsOf,
    creationType: 'OccurrenceRecorded',
    idField: 'occurrenceId',
    creation: fc.record(
      {
        occurrenceId: fc.constant('o-1'),
        kind: fc.constantFrom('meeting', 'forecast', 'exercise'),
        title: fc.constantFrom('Sochi meeting', 'IMF forecast'),
        parties,
        place: fc.constant('Sochi'),
        participants: fc.constant(['Lukashenko', 'Putin']),
        durationHours: fc.constant('5'),
        topics: fc.constant([{ topic: 'oil', hours: '3' }, { topic: 'gas' }]),
        value: decimal,
        unit: fc.constant('% GDP'),
        horizon: timeText,
      },
      { requiredKeys: ['occurrenceId', 'kind', 'title', 'parties'] },
    ),
    changes: null,
    patch: fc.oneof(
      ...common,
      fc.record({ value: decimal }),
      fc.constant({ topics: [{ topic: 'roadmaps', hours: '1' }] }),
      fc.constant({ place: null }),
      fc.constant({ horizon: null, valueMax: '100000' }),
      fc.record({ parties }),
    ),
  },
];

type Op =
  | { readonly kind: 'change'; readonly event: { readonly type: string; readonly data: Data }; readonly effective: EffectiveTime }
  | { readonly kind: 'correctData'; readonly target: number; readonly patch: Data; readonly wrongType: boolean }
  | { readonly kind: 'correctTime'; readonly target: number; readonly effective: EffectiveTime; readonly patch?: Data }
  | { readonly kind: 'retract'; readonly target: number; readonly wrongType: boolean }
  | { readonly kind: 'ghost' }
  | { readonly kind: 'createAgain'; readonly data: Data; readonly effective: EffectiveTime };

const rarely = fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const HOUR = 3_600_000;

/** A stream of the aggregate: the creation first, then anything; recordedAt grows with streamVersion, effective times do not. */
function streamOf(aggregate: AggregateCase): fc.Arbitrary<RecordedEvent[]> {
  const target = fc.nat();
  const ops: fc.WeightedArbitrary<Op>[] = [
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('correctData' as const), target, patch: aggregate.patch, wrongType: rarely }) },
    {
      weight: 2,
      arbitrary: fc.record(
        { kind: fc.constant('correctTime' as const), target, effective, patch: aggregate.patch },
        { requiredKeys: ['kind', 'target', 'effective'] },
      ),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('retract' as const), target, wrongType: rarely }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'ghost' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('createAgain' as const), data: aggregate.creation, effective }) },
  ];
  if (aggregate.changes) {
    ops.push({ weight: 6, arbitrary: fc.record({ kind: fc.constant('change' as const), event: aggregate.changes, effective }) });
  }
  return fc
    .record({
      creation: aggregate.creation,
      creationEffective: effective,
      firstRecordedAt: fc.integer({ min: Date.parse('2018-01-01T00:00:00Z'), max: Date.parse('2021-01-01T00:00:00Z') }),
      steps: fc.array(fc.tuple(fc.oneof(...ops), fc.integer({ min: 1, max: 2000 * HOUR })), { maxLength: 20 }),
    })
    .map(({ creation, creationEffective, firstRecordedAt, steps }) => {
      const builder = new StreamBuilder();
      let recordedAt = firstRecordedAt;
      const at = () => new Date(recordedAt).toISOString();
      builder.add({ type: aggregate.creationType, data: creation, effective: creationEffective, recordedAt: at() });
      for (const [step, gap] of steps) {
        recordedAt += gap;
        const pick = (index: number) => builder.events[index % builder.events.length];
        switch (step.kind) {
          case 'change':
            builder.add({ ...step.event, effective: step.effective, recordedAt: at() });
            break;
          case 'correctData': {
            const fixed = pick(step.target);
            builder.correct(fixed, { data: step.patch }, at(), step.wrongType ? 'Wrong' : fixed.type);
            break;
          }
          case 'correctTime':
            builder.correct(
              pick(step.target),
              { effectiveAt: step.effective, ...(step.patch !== undefined && { data: step.patch }) },
              at(),
            );
            break;
          case 'retract': {
            const fixed = pick(step.target);
            builder.retract(fixed, at(), step.wrongType ? 'Wrong' : fixed.type);
            break;
          }
          case 'ghost':
            builder.retract({ ...pick(0), id: 'nowhere' }, at());
            break;
          case 'createAgain':
            builder.add({
              type: aggregate.creationType,
              data: { ...step.data, title: 'Created twice' },
              effective: step.effective,
              recordedAt: at(),
            });
            break;
        }
      }
      return builder.events;
    });
}

type Probe = { readonly kind: 'any'; readonly millis: number } | { readonly kind: 'edge'; readonly index: number; readonly offset: number };

/** A time to probe: anywhere, or on (or 1 ms either side of) an edge the stream names. */
const probe: fc.Arbitrary<Probe> = fc.oneof(
  fc.record({
    kind: fc.constant('any' as const),
    millis: fc.integer({ min: Date.parse('2017-01-01T00:00:00Z'), max: Date.parse('2026-01-01T00:00:00Z') }),
  }),
  fc.record({ kind: fc.constant('edge' as const), index: fc.nat(), offset: fc.constantFrom(-1, 0, 1) }),
);

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
  return times.flatMap((time) => [Date.parse(time.at), Date.parse(effectiveUntil(time)) - 1, Date.parse(effectiveUntil(time))]);
}

const transactionTimeEdges = (events: readonly RecordedEvent[]) => events.map((event) => Date.parse(event.recordedAt));
const minus1ms = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

function checkShape(segments: readonly TemporalSegment<object>[]): void {
  segments.forEach((segment, index) => {
    const next = segments[index + 1];
    if (next) {
      // These folds never end an entity once it exists: no gaps.
      expect(segment.validTo).toBe(next.validFrom);
      expect(Date.parse(segment.validFrom)).toBeLessThan(Date.parse(next.validFrom));
      expect(segment.state).not.toEqual(next.state);
    } else {
      expect(segment.validTo).toBeNull();
    }
  });
}

// ---------------------------------------------------------------- properties

const RUNS = { numRuns: 200 };

describe.each(CASES.map((aggregate) => [aggregate.name, aggregate] as const))(
  '%s over valid and transaction time (properties)',
  (_, aggregate) => {
    const stream = streamOf(aggregate);

    it('the segment covering D is the fold at D, and none covers D exactly when the fold is undefined', () => {
      fc.assert(
        fc.property(stream, fc.array(fc.tuple(probe, probe), { minLength: 1, maxLength: 8 }), (events, probes) => {
          const validEdges = validTimeEdges(events);
          const recordedEdges = transactionTimeEdges(events);
          for (const [asOfChoice, knownAtChoice] of probes) {
            const asOf = resolve(asOfChoice, validEdges);
            const knownAt = resolve(knownAtChoice, recordedEdges);
            const segments = temporalSegments(events, knownAt, aggregate.fold);
            const expected = aggregate.fold(events, asOf, knownAt);
            const covering = temporalSegmentAt(segments, asOf);
            expect(covering === undefined).toBe(expected === undefined);
            expect(covering?.state).toStrictEqual(expected);
          }
        }),
        RUNS,
      );
    });

    it('segments are sorted, contiguous, open-ended, adjacent ones differ, and each holds at both its ends', () => {
      fc.assert(
        fc.property(stream, fc.array(probe, { minLength: 1, maxLength: 3 }), (events, knownAts) => {
          for (const choice of knownAts) {
            const knownAt = resolve(choice, transactionTimeEdges(events));
            const segments = temporalSegments(events, knownAt, aggregate.fold);
            checkShape(segments);
            if (segments.length === 0) {
              for (const edge of validTimeEdges(events)) {
                expect(aggregate.fold(events, new Date(edge).toISOString(), knownAt)).toBeUndefined();
              }
              continue;
            }
            expect(aggregate.fold(events, minus1ms(segments[0].validFrom), knownAt)).toBeUndefined();
            for (const segment of segments) {
              expect(aggregate.fold(events, segment.validFrom, knownAt)).toStrictEqual(segment.state);
              const last = segment.validTo === null ? '2099-12-31T23:59:59.999Z' : minus1ms(segment.validTo);
              expect(aggregate.fold(events, last, knownAt)).toStrictEqual(segment.state);
            }
          }
        }),
        RUNS,
      );
    });

    it('an event is uncertain until the last instant of its period, and every fact cites an event of the stream or its correction', () => {
      fc.assert(
        fc.property(stream, probe, probe, (events, asOfChoice, knownAtChoice) => {
          const asOf = resolve(asOfChoice, validTimeEdges(events));
          const knownAt = resolve(knownAtChoice, transactionTimeEdges(events));
          const state = aggregate.fold(events, asOf, knownAt) as (FoldFacts & Record<string, unknown>) | undefined;
          if (!state) return;
          const resolved = new Map(resolveRevisions(events, knownAt).map((item) => [item.event.id, item]));
          for (const id of state.eventIds) {
            const time = resolved.get(id)!.event.effectiveAt;
            const uncertain = time.precision !== 'instant' && Date.parse(asOf) < Date.parse(effectiveUntil(time)) - 1;
            expect({ id, uncertain: state.uncertain.some((event) => event.eventId === id) }).toEqual({ id, uncertain });
          }
          const allowed = new Set<string>();
          for (const id of state.eventIds) {
            allowed.add(id);
            for (const correction of resolved.get(id)!.corrections) allowed.add(correction.id);
          }
          for (const [path, attribution] of Object.entries(state.sources)) {
            expect({ path, cited: allowed.has(attribution.eventId) }).toEqual({ path, cited: true });
          }
          expect(state.sources.effectiveAt).toBeDefined();
          for (const [key, value] of Object.entries(state)) {
            if (['streamVersion', 'eventIds', 'uncertain', 'sources'].includes(key) || value === null || value === undefined) continue;
            const cited = Object.keys(state.sources).some(
              (path) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`),
            );
            const empty = typeof value === 'object' && Object.keys(value).length === 0;
            expect({ key, cited: cited || empty }).toEqual({ key, cited: true });
          }
        }),
        RUNS,
      );
    });

    it('does not depend on the order the events are given in, and knowing more never changes the past', () => {
      fc.assert(
        fc.property(stream, probe, probe, fc.infiniteStream(fc.nat()), (events, asOfChoice, knownAtChoice, seeds) => {
          const asOf = resolve(asOfChoice, validTimeEdges(events));
          const knownAt = resolve(knownAtChoice, transactionTimeEdges(events));
          const keyed = events.map((event) => ({ event, key: seeds.next().value as number }));
          const shuffled = keyed.sort((a, b) => a.key - b.key).map(({ event }) => event);
          expect(aggregate.fold(shuffled, asOf, knownAt)).toStrictEqual(aggregate.fold(events, asOf, knownAt));
          expect(temporalSegments(shuffled, knownAt, aggregate.fold)).toStrictEqual(temporalSegments(events, knownAt, aggregate.fold));
          const known = events.filter((event) => Date.parse(event.recordedAt) <= Date.parse(knownAt));
          expect(aggregate.fold(known, asOf, '2099-01-01T00:00:00Z')).toStrictEqual(aggregate.fold(events, asOf, knownAt));
        }),
        RUNS,
      );
    });
  },
);

describe('temporalSegments of commitmentAsOf (property)', () => {
  const commitment: AggregateCase = {
    name: 'commitment',
    fold: commitmentAsOf,
    creationType: 'CommitmentRecorded',
    idField: 'commitmentId',
    creation: fc.record({
      commitmentId: fc.constant('c-1'),
      kind: fc.constant('loan'),
      title: fc.constant('Loan'),
      by: fc.constant('RU'),
      to: fc.constant('BY'),
      status: fc.constantFrom('requested', 'pledged'),
      terms: fc.record({ amount: fc.constantFrom('600', '1000.5'), currency: fc.constant('USD') }),
    }),
    changes: fc.oneof(
      fc.record({
        type: fc.constant('CommitmentDisbursed'),
        data: fc.record({ commitmentId: fc.constant('c-1'), amount: decimal, currency: fc.constant('USD') }),
      }),
      fc.record({
        type: fc.constant('CommitmentStatusChanged'),
        data: fc.record({ commitmentId: fc.constant('c-1'), from: fc.constant('pledged'), to: fc.constantFrom('fulfilled', 'broken') }),
      }),
      fc.record({
        type: fc.constant('CommitmentTermsAmended'),
        data: fc.record({ commitmentId: fc.constant('c-1'), changes: fc.record({ amount: fc.constantFrom('700', '1') }) }),
      }),
    ),
    patch: fc.oneof(fc.record({ amount: decimal }), fc.constant({ to: 'lapsed' }), fc.constant({ changes: { currency: null } })),
  };

  it('is exactly commitmentSegments, the one-sweep version', () => {
    fc.assert(
      fc.property(streamOf(commitment), probe, (events, knownAtChoice) => {
        const knownAt = resolve(knownAtChoice, transactionTimeEdges(events));
        expect(temporalSegments(events, knownAt, commitmentAsOf)).toStrictEqual(commitmentSegments(events, knownAt));
      }),
      RUNS,
    );
  });
});
