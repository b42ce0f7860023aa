import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Kafka, Producer } from 'kafkajs';
import {
  AsOfFold,
  deploymentAsOf,
  effectiveUntil,
  EffectiveTime,
  formatEffectiveTime,
  NewEvent,
  occurrenceAsOf,
  partyAsOf,
  publishedFrom,
  RecordedEvent,
  trackAsOf,
} from '@timeline/domain';
import { PostgresEventStore } from '@timeline/event-store';
import { createKafka, ensureTopic, Relay } from '@timeline/log';
import { activeGeneration, ensureActiveGeneration, KafkaProjector, quoteIdent, ReadModel, TableProjector } from '@timeline/projections';
import { testKafkaBrokers } from '../setup/environment';
import { uniqueTopic } from '../support/kafka';
import { eachConcurrently, PROBES_IN_FLIGHT } from '../support/concurrently';
import { Backend, createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The second oracle: parties, tracks, deployments and occurrences. Random
 * histories of each — changes in any effective order, corrections of data and
 * dates, retractions — go through the real store and the real log into the
 * entity read models, and every answer at many (asOf, knownAt) equals the pure
 * fold of the same events (`partyAsOf`, `trackAsOf`, `deploymentAsOf`,
 * `occurrenceAsOf`), its sources included. The data is made up.
 */
const RUNS = Number(process.env.ORACLE_RUNS ?? 200);
const TIMEOUT_MS = Math.max(90_000, RUNS * 4_000);

const START = Date.UTC(2018, 0, 1);
const END = Date.UTC(2023, 11, 31);

const effectiveTime: fc.Arbitrary<EffectiveTime> = fc
  .tuple(
    fc.integer({ min: START, max: END }),
    fc.constantFrom('year', 'month', 'day', 'instant', 'range'),
    fc.integer({ min: 1, max: 400 }),
  )
  .map(([millis, precision, days]) => {
    const date = new Date(millis);
    if (precision === 'year') return { at: new Date(Date.UTC(date.getUTCFullYear(), 0, 1)).toISOString(), precision };
    if (precision === 'month') return { at: new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)).toISOString(), precision };
    if (precision === 'day')
      return { at: new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())).toISOString(), precision };
    if (precision === 'instant') return { at: date.toISOString(), precision };
    return { at: date.toISOString(), precision: 'range', until: new Date(millis + days * 86_400_000).toISOString() };
  });

const dateText = fc
  .tuple(fc.integer({ min: START, max: END }), fc.constantFrom(4, 7, 10))
  .map(([millis, length]) => new Date(millis).toISOString().slice(0, length));

type Data = Record<string, unknown>;

interface EntityCase {
  readonly streamType: 'party' | 'track' | 'deployment' | 'occurrence';
  readonly fold: AsOfFold<object>;
  /** The same fold on the reported axis. */
  readonly reported: (events: readonly RecordedEvent[], asOf: string, knownAt: string, reportedBy: string) => object | undefined;
  readonly creationType: string;
  readonly idField: string;
  readonly creation: (id: string) => fc.Arbitrary<Data>;
  readonly change: ((id: string) => fc.Arbitrary<{ type: string; data: Data }>) | null;
  readonly patch: fc.Arbitrary<Data>;
}

const CASES: EntityCase[] = [
  {
    streamType: 'party',
    fold: partyAsOf,
    reported: partyAsOf,
    creationType: 'PartyRegistered',
    idField: 'partyId',
    creation: (id) =>
      fc.record({
        partyId: fc.constant(id),
        name: fc.constantFrom('Made-up state', 'Made-up bloc'),
        kind: fc.constantFrom('state', 'bloc'),
      }),
    change: null,
    patch: fc.oneof(
      fc.record({ name: fc.constantFrom('Renamed state', 'Other name') }),
      fc.record({ kind: fc.constantFrom('state', 'organisation') }),
    ),
  },
  {
    streamType: 'track',
    fold: trackAsOf,
    reported: trackAsOf,
    creationType: 'TrackOpened',
    idField: 'trackId',
    creation: (id) =>
      fc.record({
        trackId: fc.constant(id),
        title: fc.constantFrom('Made-up programme', 'Made-up treaty'),
        area: fc.constantFrom('taxation', 'energy'),
        kind: fc.constantFrom('program', 'agreement'),
        parties: fc.constant(['BY', 'RU']),
        status: fc.constantFrom('proposed', 'agreed'),
      }),
    change: (id) =>
      fc.oneof(
        fc.record({
          type: fc.constant('TrackStatusChanged'),
          data: fc.record({ trackId: fc.constant(id), from: fc.constant('proposed'), to: fc.constantFrom('signed', 'stalled', 'dropped') }),
        }),
        fc.record({
          type: fc.constant('TrackDeadlineSet'),
          data: fc.record({
            trackId: fc.constant(id),
            deadlineId: fc.constantFrom('a', 'b'),
            description: fc.constantFrom('signed', 'ratified'),
            due: dateText,
          }),
        }),
      ),
    patch: fc.oneof(
      fc.record({ to: fc.constantFrom('completed', 'in_implementation') }),
      fc.record({ due: dateText }),
      fc.record({ title: fc.constant('Renamed programme') }),
    ),
  },
  {
    streamType: 'deployment',
    fold: deploymentAsOf,
    reported: deploymentAsOf,
    creationType: 'DeploymentStarted',
    idField: 'deploymentId',
    creation: (id) =>
      fc.record(
        {
          deploymentId: fc.constant(id),
          asset: fc.constantFrom('fighters', 'troops'),
          quantity: fc.constantFrom('4', '1000'),
          place: fc.constantFrom('Place A', 'Place B'),
          host: fc.constant('BY'),
          by: fc.constant('RU'),
        },
        { requiredKeys: ['deploymentId', 'asset', 'place', 'host', 'by'] },
      ),
    change: (id) =>
      fc.record({
        type: fc.constant('DeploymentEnded'),
        data: fc.record({ deploymentId: fc.constant(id), reason: fc.constantFrom('rotated', 'withdrawn') }),
      }),
    patch: fc.oneof(
      fc.record({ quantity: fc.constantFrom('5', '12') }),
      fc.record({ place: fc.constant('Place C') }),
      fc.record({ reason: fc.constant('corrected reason') }),
    ),
  },
  {
    streamType: 'occurrence',
    fold: occurrenceAsOf,
    reported: occurrenceAsOf,
    creationType: 'OccurrenceRecorded',
    idField: 'occurrenceId',
    creation: (id) =>
      fc.record(
        {
          occurrenceId: fc.constant(id),
          kind: fc.constantFrom('meeting', 'statement'),
          title: fc.constantFrom('Made-up meeting', 'Made-up statement'),
          parties: fc.constant(['BY', 'RU']),
          place: fc.constant('Place A'),
        },
        { requiredKeys: ['occurrenceId', 'kind', 'title', 'parties'] },
      ),
    change: null,
    patch: fc.oneof(fc.record({ place: fc.constant('Place B') }), fc.record({ title: fc.constant('Renamed meeting') })),
  },
];

type Op =
  | { kind: 'change'; effective: EffectiveTime; pick: number }
  | { kind: 'correct'; target: number; effective?: EffectiveTime; patch: boolean; patchPick: number }
  | { kind: 'retract'; target: number }
  | { kind: 'corroborate'; target: number; published: EffectiveTime }
  | { kind: 'claimDate'; target: number; published: EffectiveTime; effective: EffectiveTime };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('change' as const), effective: effectiveTime, pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('correct' as const),
      target: fc.nat(),
      effective: fc.option(effectiveTime, { nil: undefined }),
      patch: fc.boolean(),
      patchPick: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retract' as const), target: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('corroborate' as const), target: fc.nat(), published: effectiveTime }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('claimDate' as const), target: fc.nat(), published: effectiveTime, effective: effectiveTime }),
  },
);

/** The event citing a source published then (the others count from their recording). */
function published(event: NewEvent, time: EffectiveTime): NewEvent {
  return { ...event, source: { ...event.source, publishedAt: formatEffectiveTime(time) } };
}

/** A few instants where answers on the reported axis can change. */
function reportedProbes(events: readonly RecordedEvent[]): string[] {
  const points = [
    ...new Set(events.flatMap((event) => [publishedFrom(event), new Date(Date.parse(publishedFrom(event)) - 1).toISOString()])),
  ].sort();
  return points.filter((_, index) => index % Math.max(1, Math.floor(points.length / 3)) === 0).slice(0, 4);
}

interface Plan {
  readonly caseIndex: number;
  readonly effective: EffectiveTime;
  readonly seed: number;
  readonly ops: Op[];
}

const plans = fc.array(
  fc.record({
    caseIndex: fc.nat({ max: CASES.length - 1 }),
    effective: effectiveTime,
    seed: fc.nat(),
    ops: fc.array(op, { maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 4 },
);

function newEvent(type: string, data: unknown, effectiveAt: EffectiveTime): NewEvent {
  const id = uuidv7();
  return {
    id,
    type,
    schemaVersion: 1,
    data,
    effectiveAt,
    source: { title: `oracle ${type}`, quote: id },
    confidence: 'reported',
    actor: 'oracle',
    correlationId: randomUUID(),
    causationId: null,
  };
}

/** A value of an arbitrary, the same for the same seed. */
function sample<T>(arbitrary: fc.Arbitrary<T>, seed: number): T {
  return fc.sample(arbitrary, { seed, numRuns: 1 })[0];
}

function probes(events: RecordedEvent[]): { asOf: string[]; knownAt: string[] } {
  const asOf = new Set<string>(['2030-01-01T00:00:00.000Z']);
  const times: EffectiveTime[] = [];
  for (const event of events) {
    times.push(event.effectiveAt);
    const corrected = (event.data as { changes?: { effectiveAt?: EffectiveTime } }).changes?.effectiveAt;
    if (corrected?.at) times.push(corrected);
  }
  // An event's start, and the last instant of its period (it becomes certain there); each probed on and just before.
  for (const time of times) {
    for (const edge of [Date.parse(time.at), Date.parse(effectiveUntil(time)) - 1]) {
      for (const offset of [-1, 0]) asOf.add(new Date(edge + offset).toISOString());
    }
  }
  const knownAt = new Set<string>(['2000-01-01T00:00:00.000Z', new Date(Date.now() + 60_000).toISOString()]);
  for (const event of events) {
    knownAt.add(event.recordedAt);
    knownAt.add(new Date(Date.parse(event.recordedAt) - 1).toISOString());
  }
  return { asOf: [...asOf], knownAt: [...knownAt] };
}

type Mode = { backend: Backend; log: 'table' | 'kafka' };

describe.each<Mode>([
  { backend: 'postgres', log: 'table' },
  { backend: 'pglite', log: 'table' },
  { backend: 'postgres', log: 'kafka' },
])('entity read models equal the domain folds on $backend through the $log log', ({ backend, log }) => {
  let testDb: TestDatabase;
  let store: PostgresEventStore;
  let readModel: ReadModel;
  let tableProjector: TableProjector | undefined;
  let kafka: Kafka | undefined;
  let producer: Producer | undefined;
  let relay: Relay | undefined;
  let kafkaProjector: KafkaProjector | undefined;

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    store = new PostgresEventStore(testDb.db.pool);
    readModel = new ReadModel(testDb.db.pool);
    await ensureActiveGeneration(testDb.db.pool, testDb.db.schema);
    if (log === 'table') {
      tableProjector = new TableProjector(testDb.db);
    } else {
      const topic = uniqueTopic('test.entity-oracle');
      kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'entity-oracle' });
      await ensureTopic(kafka, { topic, partitions: 3, replicationFactor: 1 });
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      relay = new Relay(testDb.db, store, producer, { topic, pollIntervalMs: 20 });
      relay.start();
      kafkaProjector = new KafkaProjector(testDb.db, kafka, { topic, groupId: `entity-oracle-${randomUUID()}` });
      await kafkaProjector.start();
    }
  });

  afterAll(async () => {
    await kafkaProjector?.stop();
    await relay?.stop();
    await producer?.disconnect();
    await testDb?.dispose();
  });

  async function projected(positions: string[]): Promise<void> {
    if (tableProjector) {
      await tableProjector.catchUp();
      return;
    }
    const generation = (await activeGeneration(testDb.db.pool))!;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await testDb.db.pool.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${quoteIdent(generation.schema)}.stream_events WHERE position = ANY($1::bigint[])`,
        [positions],
      );
      if (Number(rows[0].n) === positions.length) return;
      if (Date.now() > deadline) throw new Error(`projector reached ${rows[0].n} of ${positions.length} events`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it(
    `agrees at every probed (asOf, knownAt) over ${RUNS} generated histories`,
    async () => {
      let comparisons = 0;
      // The reported axis is folded from every stream of a type for each list, so its cost grows with
      // everything the earlier runs wrote: it is probed for every fourth entity checked.
      let checked = 0;
      let withSources = 0;
      await fc.assert(
        fc.asyncProperty(plans, async (generated) => {
          const positions: string[] = [];
          const written: { plan: Plan; entityCase: EntityCase; id: string; streamId: string }[] = [];
          for (const plan of generated) {
            const entityCase = CASES[plan.caseIndex];
            const id =
              entityCase.streamType === 'party'
                ? `X${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`
                : `${entityCase.streamType}-${randomUUID()}`;
            const streamId = `${entityCase.streamType}-${id}`;
            const events: NewEvent[] = [newEvent(entityCase.creationType, sample(entityCase.creation(id), plan.seed), plan.effective)];
            for (const step of plan.ops) {
              const facts = events.filter(
                (event) => !event.type.startsWith('Event') && !['SourceCorroborated', 'ClaimRecorded'].includes(event.type),
              );
              if (step.kind === 'change') {
                if (!entityCase.change) continue;
                const change = sample(entityCase.change(id), plan.seed + step.pick);
                events.push(newEvent(change.type, change.data, step.effective));
              } else if (step.kind === 'correct') {
                const target = facts[step.target % facts.length];
                const changes: Record<string, unknown> = {};
                if (step.effective) changes.effectiveAt = step.effective;
                if (step.patch || !step.effective) changes.data = sample(entityCase.patch, plan.seed + step.patchPick);
                events.push(
                  newEvent(
                    'EventCorrected',
                    { eventId: target.id, eventType: target.type, changes, reason: 'oracle' },
                    step.effective ?? target.effectiveAt,
                  ),
                );
              } else if (step.kind === 'corroborate') {
                const target = facts[step.target % facts.length];
                events.push(
                  published(
                    newEvent('SourceCorroborated', { eventId: target.id, eventType: target.type }, target.effectiveAt),
                    step.published,
                  ),
                );
              } else if (step.kind === 'claimDate') {
                const target = facts[step.target % facts.length];
                const claim = {
                  eventId: target.id,
                  eventType: target.type,
                  field: 'effectiveAt',
                  value: formatEffectiveTime(step.effective),
                };
                events.push(published(newEvent('ClaimRecorded', claim, target.effectiveAt), step.published));
              } else {
                const target = facts[step.target % facts.length];
                events.push(
                  newEvent('EventRetracted', { eventId: target.id, eventType: target.type, reason: 'oracle' }, target.effectiveAt),
                );
              }
            }
            // One append per event, so that every event has a recorded time of its own.
            for (const [index, event] of events.entries()) {
              const result = await store.append({
                streamId,
                streamType: entityCase.streamType,
                expectedVersion: index === 0 ? 'no_stream' : index,
                events: [event],
              });
              positions.push(result.position);
            }
            written.push({ plan, entityCase, id, streamId });
          }
          await projected(positions);

          for (const { entityCase, id, streamId } of written) {
            const events = await store.readStream(streamId);
            const { asOf, knownAt } = probes(events);
            // Independent questions, several at a time (see test/support/concurrently.ts).
            const grid = knownAt.flatMap((known) => asOf.map((at) => ({ at, known })));
            await eachConcurrently(grid, PROBES_IN_FLIGHT, async ({ at, known }) => {
              const expected = entityCase.fold(events, at, known);
              const listed = await readModel.entities(entityCase.streamType, at, known);
              const actual = listed
                .filter((entity) => entity[entityCase.idField] === id)
                .map(({ validFrom: _from, validTo: _to, ...state }) => state);
              comparisons++;
              if (expected && Object.keys((expected as { sources: object }).sources).length > 1) withSources++;
              expect({ at, known, actual }).toEqual({ at, known, actual: expected === undefined ? [] : [expected] });
            });
            // The reported axis, known now, at a few publication instants and valid times.
            const now = new Date(Date.now() + 60_000).toISOString();
            const few = asOf.filter((_, index) => index % Math.max(1, Math.floor(asOf.length / 6)) === 0);
            const reportedGrid = (checked++ % 4 === 0 ? reportedProbes(events) : []).flatMap((reportedBy) =>
              few.map((at) => ({ at, reportedBy })),
            );
            await eachConcurrently(reportedGrid, PROBES_IN_FLIGHT, async ({ at, reportedBy }) => {
              const expected = entityCase.reported(events, at, now, reportedBy);
              const listed = await readModel.entities(entityCase.streamType, at, now, { reportedBy });
              const actual = listed
                .filter((entity) => entity[entityCase.idField] === id)
                .map(({ validFrom: _from, validTo: _to, ...state }) => state);
              comparisons++;
              expect({ at, reportedBy, actual }).toEqual({ at, reportedBy, actual: expected === undefined ? [] : [expected] });
            });
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(comparisons).toBeGreaterThan(RUNS * 10);
      expect(withSources).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});
