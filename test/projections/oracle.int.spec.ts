import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Kafka, Producer } from 'kafkajs';
import {
  commitmentAsOf,
  CommitmentAsOf,
  effectiveUntil,
  EffectiveTime,
  formatEffectiveTime,
  NewEvent,
  parseEffectiveTime,
  publishedFrom,
  RecordedEvent,
} from '@timeline/domain';
import { PostgresEventStore } from '@timeline/event-store';
import { createKafka, ensureTopic, Relay } from '@timeline/log';
import {
  activeGeneration,
  CommitmentAsOfView,
  ensureActiveGeneration,
  KafkaProjector,
  quoteIdent,
  ReadModel,
  TableProjector,
} from '@timeline/projections';
import { testKafkaBrokers } from '../setup/environment';
import { uniqueTopic } from '../support/kafka';
import { eachConcurrently, PROBES_IN_FLIGHT } from '../support/concurrently';
import { Backend, createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The oracle test: random histories — retroactive events, corrections,
 * retractions, interleaved streams, recording order unlike effective order —
 * go through the real store and the real log into the read models, and every
 * answer at many (asOf, knownAt) equals the pure domain fold of the same events. Other sources
 * confirm or dispute facts (corroborations, competing claims, each with its publication date),
 * and answers on the reported axis (reportedBy) are compared with the fold too.
 */
const RUNS = Number(process.env.ORACLE_RUNS ?? 200);
/** Each history is written, projected and probed at dozens of dates: allow 4 s a history on a loaded machine (PGlite took 2.1 s at a load of 10 on 2 cores). */
const TIMEOUT_MS = Math.max(90_000, RUNS * 4_000);
type Op =
  | { kind: 'amend'; effective: EffectiveTime; amount: string; validUntil?: string }
  | { kind: 'disburse'; effective: EffectiveTime; amount: string; currency: string }
  | { kind: 'status'; effective: EffectiveTime; to: string }
  | { kind: 'correct'; target: number; effective?: EffectiveTime; amount?: string }
  | { kind: 'retract'; target: number }
  | { kind: 'corroborate'; target: number; published: string }
  | { kind: 'claim'; target: number; published: string; amount: string; date?: EffectiveTime };

interface StreamPlan {
  record: { effective: EffectiveTime; status: string; amount: string; currency: string; kind: string; validUntil?: string };
  ops: Op[];
}

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

const amount = fc.integer({ min: 1, max: 1_000_000 }).map(String);
/** A validity end as the terms state it: a year, a month or a day in 2018–2023. */
const validUntil = fc
  .tuple(fc.integer({ min: START, max: END }), fc.constantFrom(4, 7, 10))
  .map(([millis, length]) => new Date(millis).toISOString().slice(0, length));
const currency = fc.constantFrom('USD', 'USD', 'RUB');

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('amend' as const),
    effective: effectiveTime,
    amount,
    validUntil: fc.option(validUntil, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('disburse' as const), effective: effectiveTime, amount, currency }),
  fc.record({
    kind: fc.constant('status' as const),
    effective: effectiveTime,
    to: fc.constantFrom('pledged', 'fulfilled', 'lapsed', 'withdrawn', 'broken'),
  }),
  fc.record({
    kind: fc.constant('correct' as const),
    target: fc.nat(),
    effective: fc.option(effectiveTime, { nil: undefined }),
    amount: fc.option(amount, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('retract' as const), target: fc.nat() }),
  fc.record({ kind: fc.constant('corroborate' as const), target: fc.nat(), published: validUntil }),
  fc.record({
    kind: fc.constant('claim' as const),
    target: fc.nat(),
    published: validUntil,
    amount,
    date: fc.option(effectiveTime, { nil: undefined }),
  }),
);

const CLAIM_TYPES = ['SourceCorroborated', 'ClaimRecorded'];

const streamPlan: fc.Arbitrary<StreamPlan> = fc.record({
  record: fc.record({
    effective: effectiveTime,
    status: fc.constantFrom('requested', 'pledged'),
    amount,
    currency,
    kind: fc.constantFrom('loan', 'price', 'cash'),
    validUntil: fc.option(validUntil, { nil: undefined }),
  }),
  ops: fc.array(op, { maxLength: 7 }),
});

/** Several streams, and the order in which their appends interleave. */
const history = fc.array(streamPlan, { minLength: 1, maxLength: 4 }).chain((streams) => {
  const slots = streams.flatMap((stream, index) => Array(stream.ops.length).fill(index));
  return fc.tuple(fc.constant(streams), fc.shuffledSubarray(slots, { minLength: slots.length, maxLength: slots.length }));
});

function newEvent(type: string, data: unknown, effectiveAt: EffectiveTime): NewEvent {
  const id = uuidv7();
  return {
    id,
    type,
    schemaVersion: 1,
    data,
    effectiveAt,
    // Each event its own made-up source, so that a fact citing the wrong event is seen.
    source: { title: `oracle ${type}`, quote: id },
    confidence: 'reported',
    actor: 'oracle',
    correlationId: randomUUID(),
    causationId: null,
  };
}

interface Written {
  commitmentId: string;
  streamId: string;
  events: NewEvent[];
}

function eventFor(stream: Written, plan: Op): NewEvent {
  const facts = stream.events.filter((event) => !event.type.startsWith('Event') && !CLAIM_TYPES.includes(event.type));
  switch (plan.kind) {
    case 'amend':
      return newEvent(
        'CommitmentTermsAmended',
        { commitmentId: stream.commitmentId, changes: { amount: plan.amount, ...(plan.validUntil && { validUntil: plan.validUntil }) } },
        plan.effective,
      );
    case 'disburse':
      return newEvent(
        'CommitmentDisbursed',
        { commitmentId: stream.commitmentId, amount: plan.amount, currency: plan.currency },
        plan.effective,
      );
    case 'status':
      return newEvent('CommitmentStatusChanged', { commitmentId: stream.commitmentId, from: 'pledged', to: plan.to }, plan.effective);
    case 'correct': {
      const target = facts[plan.target % facts.length];
      const changes: Record<string, unknown> = {};
      if (plan.effective) changes.effectiveAt = plan.effective;
      if (plan.amount)
        changes.data =
          target.type === 'CommitmentRecorded'
            ? { terms: { amount: plan.amount } }
            : target.type === 'CommitmentTermsAmended'
              ? { changes: { amount: plan.amount } }
              : { amount: plan.amount };
      if (!plan.effective && !plan.amount) changes.effectiveAt = target.effectiveAt;
      return newEvent(
        'EventCorrected',
        { eventId: target.id, eventType: target.type, changes, reason: 'oracle' },
        plan.effective ?? target.effectiveAt,
      );
    }
    case 'retract': {
      const target = facts[plan.target % facts.length];
      return newEvent('EventRetracted', { eventId: target.id, eventType: target.type, reason: 'oracle' }, target.effectiveAt);
    }
    case 'corroborate': {
      const target = facts[plan.target % facts.length];
      return published(newEvent('SourceCorroborated', { eventId: target.id, eventType: target.type }, target.effectiveAt), plan.published);
    }
    case 'claim': {
      const target = facts[plan.target % facts.length];
      const field = plan.date
        ? 'effectiveAt'
        : target.type === 'CommitmentRecorded'
          ? 'terms.amount'
          : target.type === 'CommitmentTermsAmended'
            ? 'changes.amount'
            : target.type === 'CommitmentDisbursed'
              ? 'amount'
              : 'effectiveAt';
      const value = field === 'effectiveAt' ? formatEffectiveTime(plan.date ?? target.effectiveAt) : plan.amount;
      return published(
        newEvent('ClaimRecorded', { eventId: target.id, eventType: target.type, field, value }, target.effectiveAt),
        plan.published,
      );
    }
  }
}

/** The event citing a source with a publication date (the others count from their recording). */
function published(event: NewEvent, publishedAt: string): NewEvent {
  return { ...event, source: { ...event.source, publishedAt } };
}

/** Where answers on the reported axis can change: each source's first instant of publication, and just before; a few of them. */
function reportedProbes(events: RecordedEvent[]): string[] {
  const points = new Set<string>(['2000-01-01T00:00:00.000Z']);
  for (const event of events) {
    const from = publishedFrom(event);
    points.add(from);
    points.add(new Date(Date.parse(from) - 1).toISOString());
  }
  const sorted = [...points].sort();
  return sorted.filter((_, index) => index % Math.max(1, Math.floor(sorted.length / 3)) === 0).slice(0, 4);
}

function expectedView(state: CommitmentAsOf) {
  return {
    id: state.commitmentId,
    version: state.streamVersion,
    kind: state.kind,
    title: state.title,
    by: state.by,
    to: state.to,
    status: state.status,
    lapsedAt: state.lapsedAt,
    terms: state.terms,
    currency: state.terms.currency ?? null,
    unit: state.terms.unit ?? null,
    pledged: state.terms.amount ?? null,
    disbursed: state.disbursed,
    outstanding: state.outstanding,
    eventIds: state.eventIds,
    uncertain: state.uncertain,
    sources: state.sources,
  };
}

function actualView(view: CommitmentAsOfView) {
  const { validFrom: _from, validTo: _to, ...rest } = view;
  return rest;
}

/** Instants where answers can change, and their neighbours. */
function probes(events: RecordedEvent[]): { asOf: string[]; knownAt: string[] } {
  const asOf = new Set<string>();
  for (const event of events) {
    const data = event.data as { terms?: { validUntil?: string }; changes?: { validUntil?: string } };
    const validity = [data.terms?.validUntil, data.changes?.validUntil].filter((text): text is string => typeof text === 'string');
    // Where answers change: an event's start, the last instant of its period (it becomes certain
    // there), and the end of a validity (it lapses there); each probed on and just before.
    const until = Date.parse(effectiveUntil(event.effectiveAt));
    const ends = validity.map((text) => Date.parse(effectiveUntil(parseEffectiveTime(text))));
    for (const edge of [Date.parse(event.effectiveAt.at), until - 1, ...ends]) {
      asOf.add(new Date(edge - 1).toISOString());
      asOf.add(new Date(edge).toISOString());
    }
    const corrected = (event.data as { changes?: { effectiveAt?: EffectiveTime } }).changes?.effectiveAt;
    if (corrected?.at) asOf.add(corrected.at);
  }
  asOf.add('2030-01-01T00:00:00.000Z');
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
])('read models equal the domain fold on $backend through the $log log', ({ backend, log }) => {
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
      const topic = uniqueTopic('test.oracle');
      kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'oracle' });
      await ensureTopic(kafka, { topic, partitions: 3, replicationFactor: 1 });
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      relay = new Relay(testDb.db, store, producer, { topic, pollIntervalMs: 20 });
      relay.start();
      kafkaProjector = new KafkaProjector(testDb.db, kafka, { topic, groupId: `oracle-${randomUUID()}` });
      await kafkaProjector.start();
    }
  });

  afterAll(async () => {
    await kafkaProjector?.stop();
    await relay?.stop();
    await producer?.disconnect();
    await testDb.dispose();
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
      let runs = 0;
      // Every stream of every run so far, by stream id: the store keeps them all.
      const everyStream = new Map<string, RecordedEvent[]>();
      await fc.assert(
        fc.asyncProperty(history, async ([plans, order]) => {
          const streams: Written[] = plans.map(() => {
            const commitmentId = randomUUID();
            return { commitmentId, streamId: `commitment-${commitmentId}`, events: [] };
          });
          const positions: string[] = [];
          const append = async (stream: Written, event: NewEvent) => {
            const result = await store.append({
              streamId: stream.streamId,
              streamType: 'commitment',
              expectedVersion: stream.events.length === 0 ? 'no_stream' : stream.events.length,
              events: [event],
            });
            stream.events.push(event);
            positions.push(result.position);
          };
          // Records first, in order; then the other changes interleaved across streams.
          for (const [index, plan] of plans.entries()) {
            const { effective, status, amount: pledged, currency: money, kind, validUntil: until } = plan.record;
            await append(
              streams[index],
              newEvent(
                'CommitmentRecorded',
                {
                  commitmentId: streams[index].commitmentId,
                  kind,
                  title: `Commitment ${index}`,
                  by: 'RU',
                  to: 'BY',
                  status,
                  terms: { amount: pledged, currency: money, ...(until && { validUntil: until }) },
                },
                effective,
              ),
            );
          }
          const next = plans.map(() => 0);
          for (const index of order) {
            await append(streams[index], eventFor(streams[index], plans[index].ops[next[index]++]));
          }
          await projected(positions);

          const recorded: RecordedEvent[] = [];
          for (const stream of streams) {
            const events = await store.readStream(stream.streamId);
            recorded.push(...events);
            everyStream.set(stream.streamId, events);
            const { asOf, knownAt } = probes(events);
            // Every probe is one question to the read model; they go several at a time (the
            // answers do not depend on one another), which keeps the suite's time in bounds.
            const grid = knownAt.flatMap((known) => asOf.map((at) => ({ at, known })));
            await eachConcurrently(grid, PROBES_IN_FLIGHT, async ({ at, known }) => {
              const expected = commitmentAsOf(events, at, known);
              const actual = await readModel.commitment(stream.commitmentId, at, known);
              comparisons++;
              if (!expected) {
                expect({ at, known, actual }).toEqual({ at, known, actual: undefined });
              } else {
                expect({ at, known, view: actual && actualView(actual) }).toEqual({ at, known, view: expectedView(expected) });
              }
            });
            // The reported axis: at a few publication instants, at a few valid times, known now and
            // known at an earlier recording (the stored rows of the reported axis differ by both).
            const now = new Date(Date.now() + 60_000).toISOString();
            const dozen = asOf.filter((_, index) => index % Math.max(1, Math.floor(asOf.length / 6)) === 0);
            const reportedGrid = [knownAt[Math.floor(knownAt.length / 2)], now].flatMap((known) =>
              reportedProbes(events).flatMap((reportedBy) => dozen.map((at) => ({ at, known, reportedBy }))),
            );
            await eachConcurrently(reportedGrid, PROBES_IN_FLIGHT, async ({ at, known, reportedBy }) => {
              const expected = commitmentAsOf(events, at, known, { reportedBy });
              const actual = await readModel.commitment(stream.commitmentId, at, known, reportedBy);
              comparisons++;
              if (!expected) expect({ at, known, reportedBy, actual }).toEqual({ at, known, reportedBy, actual: undefined });
              else
                expect({ at, known, reportedBy, view: actual && actualView(actual) }).toEqual({
                  at,
                  known,
                  reportedBy,
                  view: expectedView(expected),
                });
            });
            const listed = await readModel.commitments('2030-01-01T00:00:00.000Z', new Date(Date.now() + 60_000).toISOString(), {
              parties: ['BY'],
            });
            const present = commitmentAsOf(events, '2030-01-01T00:00:00.000Z', new Date(Date.now() + 60_000).toISOString());
            expect(listed.some((view) => view.id === stream.commitmentId)).toBe(present !== undefined);
          }
          // A list on the reported axis, page by page, is the whole list in id order, and the whole list
          // is the fold of every stream. The store keeps every run's streams, so this is asked every 25th run.
          if (runs++ % 25 !== 0) return;
          const now = new Date(Date.now() + 60_000).toISOString();
          const publications = reportedProbes(recorded);
          const reportedBy = publications[Math.floor(publications.length / 2)];
          for (const at of ['2021-06-30T23:59:59.999Z', '2030-01-01T00:00:00.000Z']) {
            const whole = (await readModel.commitments(at, now, { parties: ['BY', 'KZ'] }, undefined, reportedBy)).sort((a, b) =>
              a.id < b.id ? -1 : 1,
            );
            const paged: typeof whole = [];
            for (let after: string | undefined; ;) {
              const page = await readModel.commitments(at, now, { parties: ['BY', 'KZ'] }, { after, limit: 25 }, reportedBy);
              paged.push(...page);
              if (page.length < 25) break;
              after = page[page.length - 1].id;
            }
            expect({ at, reportedBy, ids: paged.map((view) => view.id) }).toEqual({ at, reportedBy, ids: whole.map((view) => view.id) });
            expect(paged).toEqual(whole);
            // And the whole list is the fold of every stream in the store on that axis, filtered by party.
            const folded = [...everyStream.values()]
              .map((events) => commitmentAsOf(events, at, now, { reportedBy }))
              .filter((state) => state !== undefined && (['BY', 'KZ'].includes(state.by) || ['BY', 'KZ'].includes(state.to)))
              .map((state) => state!.commitmentId)
              .sort();
            expect({ at, reportedBy, ids: whole.map((view) => view.id) }).toEqual({ at, reportedBy, ids: folded });
            comparisons++;
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(comparisons).toBeGreaterThan(RUNS * 10);
    },
    TIMEOUT_MS,
  );
});
