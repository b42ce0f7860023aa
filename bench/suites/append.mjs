// Append: events/s and latency of writes in process, at concurrency 1, 8
// and 32; on PostgreSQL with the relay to Kafka, and on the embedded default.
// Side by side, in the same rounds: Emmett's PostgreSQL event store, and the
// raw limits (pg INSERTs into a plain table, a kafkajs producer). Every
// contender writes the same commitment events. Over HTTP: the append-http suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { built, databaseUrl, deleteTopics, dropSchemas, kafkaBrokers, require, root, uniqueName } from '../lib/environment.mjs';
import { serviceWithCommandBus } from '../lib/command-bus.mjs';
import { closedLoop, formatMs, formatRate, formatRatio, interleave } from '../lib/stats.mjs';
import { commitmentWrite, domainCommand, nextCommitmentId } from '../lib/workload.mjs';

const CONCURRENCY = [1, 8, 32];
/** The CI smoke run checks that every contender works, at one concurrency. */
const QUICK_CONCURRENCY = [8];
/** Connections of every contender's pool: the service's own default (libs/event-store). */
const POOL_SIZE = 10;
const BATCH_ROWS = 100;

const { commitmentDecider, parseEffectiveTime } = built('libs/domain/src/index.js');
const { toKafkaMessage } = built('libs/log/src/index.js');

let writers = 0;

/** A writer that keeps its streams' state in memory: the events a command makes, without reading them back. */
function eventWriter() {
  const index = writers++;
  let n = 0;
  let id;
  let state;
  let version = 0;
  return () => {
    const write = commitmentWrite(index, n);
    id = nextCommitmentId(id, n);
    if (n % 4 === 0) {
      state = commitmentDecider.initialState();
      version = 0;
    }
    n++;
    const [event] = commitmentDecider.decide(domainCommand(write, id), state);
    state = commitmentDecider.evolve(state, event);
    version++;
    return {
      id: uuidv7(),
      streamId: `commitment-${id}`,
      expected: version - 1,
      streamVersion: version,
      type: event.type,
      data: event.data,
      fact: write.fact,
    };
  };
}

const TARGET_RATIO_TO_EMMETT = 1.5;

// What the profiles say (bench/profile-summary.mjs over node --cpu-prof of these
// workloads), kept with the suite so that every report carries it.

/** The paragraphs whose figures come from this run. */
function measuredFindings(measured) {
  const percent = (part, whole) => `${Math.round((100 * part) / whole)} %`;
  const lines = [];
  const one = measured.get(1);
  if (one) {
    lines.push(
      '**One client.** A group commit has nothing to group: each write waits for its own WAL flush. "pg: one row per INSERT" is that limit for one durable writer ' +
        `(${formatRate(one.row)} in this run); our append without Kafka reaches ${percent(one.appendAlone, one.row)} of it and Emmett's ${percent(one.emmettAppend, one.row)}. ` +
        'Ours sends one statement per append (Emmett three: BEGIN, its function, COMMIT), and each side reads the stream once per command.',
    );
  }
  if (measured.size > 0) {
    const costs = [...measured].map(
      ([clients, m]) => `${percent(m.alone - m.ours, m.alone)} at ${clients} client${clients > 1 ? 's' : ''}`,
    );
    lines.push(`Publishing every event before the round counts it cost our command rate ${costs.join(', ')} in this run.`);
  }
  return lines;
}

function emmettVerdict(concurrency, ours, emmettRate, oursAlone, oursCold) {
  const ratio = ours / emmettRate;
  return (
    `${concurrency} client${concurrency > 1 ? 's' : ''}: ${ratio.toFixed(2)} × Emmett with the relay (${ratio >= TARGET_RATIO_TO_EMMETT ? 'met' : 'missed'}), ` +
    `${(oursAlone / emmettRate).toFixed(2)} × without Kafka, ${(oursCold / emmettRate).toFixed(2)} × without Kafka and without the write memory`
  );
}

function envelopeOf(event) {
  return {
    effectiveAt: parseEffectiveTime(event.fact.effectiveAt),
    source: event.fact.source,
    confidence: event.fact.confidence,
    actor: 'bench',
    correlationId: uuidv7(),
  };
}

/** The service's write path in this process: the command bus, the aggregate writer, the store; the relay running. */
export async function ourService(env) {
  const { runtime, app, execute } = await serviceWithCommandBus(root, env);

  /**
   * With the relay running, a round ends when the relay has put on the topic
   * every event the round wrote: the rate is of events appended and published.
   */
  const published = async (round) => {
    const outcome = await round;
    if (!runtime.relay) return outcome;
    const began = performance.now();
    const head = BigInt(await runtime.store.headPosition());
    while (BigInt(runtime.relay.getStatus().checkpoint) < head) {
      if (performance.now() - began > 60_000) throw new Error('the relay did not publish the round within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return { ...outcome, seconds: outcome.seconds + (performance.now() - began) / 1000 };
  };

  return {
    runtime,
    commands: (concurrency, seconds) => {
      const state = Array.from({ length: concurrency }, () => ({ index: writers++, id: undefined }));
      return published(
        closedLoop({
          concurrency,
          seconds,
          operation: async (worker, n) => {
            const writer = state[worker];
            writer.id = nextCommitmentId(writer.id, n);
            const outcome = await execute(commitmentWrite(writer.index, n), writer.id);
            if (outcome.version < 1) throw new Error(`write not applied: ${JSON.stringify(outcome)}`);
          },
        }),
      );
    },
    appends: (concurrency, seconds) => {
      const next = Array.from({ length: concurrency }, eventWriter);
      return published(
        closedLoop({
          concurrency,
          seconds,
          operation: async (worker) => {
            const event = next[worker]();
            await runtime.store.append({
              streamId: event.streamId,
              streamType: 'commitment',
              expectedVersion: event.expected === 0 ? 'no_stream' : event.expected,
              events: [{ id: event.id, type: event.type, schemaVersion: 1, data: event.data, causationId: null, ...envelopeOf(event) }],
            });
          },
        }),
      );
    },
    close: async () => {
      await app.close();
      await runtime.close();
    },
  };
}

/** Emmett's PostgreSQL event store in a schema of its own, on a pool of the same size. */
export async function emmett(schema) {
  const pg = require('pg');
  const { getPostgreSQLEventStore } = require('@event-driven-io/emmett-postgresql');
  const { CommandHandler, STREAM_DOES_NOT_EXIST } = require('@event-driven-io/emmett');
  const connectionString = databaseUrl();
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE, options: `-c search_path=${schema}` });
  const store = getPostgreSQLEventStore(connectionString, { connectionOptions: { pool } });
  const handle = CommandHandler({ evolve: commitmentDecider.evolve, initialState: commitmentDecider.initialState });
  const toEmmett = (event) => ({
    type: event.type,
    data: event.data,
    metadata: { ...envelopeOf(event), effectiveAt: event.fact.effectiveAt },
  });

  return {
    commands: (concurrency, seconds) => {
      const state = Array.from({ length: concurrency }, () => ({ index: writers++, id: undefined }));
      return closedLoop({
        concurrency,
        seconds,
        operation: async (worker, n) => {
          const writer = state[worker];
          writer.id = nextCommitmentId(writer.id, n);
          const write = commitmentWrite(writer.index, n);
          const command = domainCommand(write, writer.id);
          await handle(store, `commitment-${writer.id}`, (current) =>
            commitmentDecider.decide(command, current).map((event) => toEmmett({ ...event, fact: write.fact })),
          );
        },
      });
    },
    appends: (concurrency, seconds) => {
      const next = Array.from({ length: concurrency }, eventWriter);
      return closedLoop({
        concurrency,
        seconds,
        operation: async (worker) => {
          const event = next[worker]();
          await store.appendToStream(event.streamId, [toEmmett(event)], {
            expectedStreamVersion: event.expected === 0 ? STREAM_DOES_NOT_EXIST : BigInt(event.expected),
          });
        },
      });
    },
    close: async () => {
      await store.close?.();
      await pool.end().catch(() => undefined);
    },
  };
}

/** The driver's limit: INSERTs of the same rows into a plain table, no checks, no function. */
async function rawPostgres(schema) {
  const pg = require('pg');
  const connectionString = databaseUrl();
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE, options: `-c search_path=${schema}` });
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.raw_events (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id uuid NOT NULL, stream_id text NOT NULL,
    stream_version integer NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL)`);
  const row = (event) => [
    event.id,
    event.streamId,
    event.streamVersion,
    event.type,
    JSON.stringify(event.data),
    JSON.stringify(envelopeOf(event)),
  ];
  const placeholders = (rows) =>
    rows.map((_, r) => `($${r * 6 + 1}, $${r * 6 + 2}, $${r * 6 + 3}, $${r * 6 + 4}, $${r * 6 + 5}, $${r * 6 + 6})`).join(', ');
  const insert = (rows) =>
    pool.query(`INSERT INTO raw_events (id, stream_id, stream_version, type, data, metadata) VALUES ${placeholders(rows)}`, rows.flat());
  const { single, batches } = singleAndBatched(insert, row);
  return { rows: single, batches, close: () => pool.end() };
}

/**
 * Closed loops over `write` (which takes a list): one item per call, and
 * BATCH_ROWS items per call; each client writes its own streams' events.
 */
function singleAndBatched(write, item) {
  return {
    single: (concurrency, seconds) => {
      const next = Array.from({ length: concurrency }, eventWriter);
      return closedLoop({ concurrency, seconds, operation: (worker) => write([item(next[worker]())]) });
    },
    batches: (concurrency, seconds) => {
      const next = Array.from({ length: concurrency }, eventWriter);
      return closedLoop({
        concurrency,
        seconds,
        operation: async (worker) => {
          await write(Array.from({ length: BATCH_ROWS }, () => item(next[worker]())));
          return BATCH_ROWS;
        },
      });
    },
  };
}

/** The broker's limit: an idempotent kafkajs producer, acks from all replicas, the relay's records. */
async function rawKafka(topic) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let position = 0;
  const message = (event) =>
    toKafkaMessage({
      id: event.id,
      type: event.type,
      schemaVersion: 1,
      streamId: event.streamId,
      streamType: 'commitment',
      streamVersion: event.streamVersion,
      position: String(++position),
      recordedAt: new Date().toISOString(),
      causationId: null,
      data: event.data,
      ...envelopeOf(event),
    });
  const send = (messages) => producer.send({ topic, acks: -1, messages });
  const { single, batches } = singleAndBatched(send, message);
  return { records: single, batches, close: () => producer.disconnect() };
}

export async function run({ quick }) {
  const seconds = quick ? 0.2 : 3;
  const concurrencies = quick ? QUICK_CONCURRENCY : CONCURRENCY;
  const rounds = quick ? 1 : 3;
  const began = performance.now();
  const name = uniqueName('bench_append');
  const topics = [`${name}.service`, `${name}.raw`];
  const dataDirs = [];
  const closing = [];
  const verdicts = [];
  const measured = new Map();
  const progress = (label) => (contender, round, outcome) =>
    process.stderr.write(
      `  append ${((performance.now() - began) / 1000).toFixed(1)} s: ${label} ${contender} round ${round + 1}: ${formatRate(outcome.count / outcome.seconds)}\n`,
    );
  try {
    // In process, on PostgreSQL with the relay to Kafka, and its peers.
    const ours = await ourService({
      DATABASE_URL: databaseUrl(),
      DATABASE_SCHEMA: `${name}_svc`,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: topics[0],
      TIMELINE_ROLES: 'api,relay',
    });
    closing.push(ours.close);
    const alone = await ourService({ DATABASE_URL: databaseUrl(), DATABASE_SCHEMA: `${name}_alone`, TIMELINE_ROLES: 'api' });
    closing.push(alone.close);
    const cold = await ourService({
      DATABASE_URL: databaseUrl(),
      DATABASE_SCHEMA: `${name}_cold`,
      TIMELINE_ROLES: 'api',
      TIMELINE_WRITE_CACHE_EVENTS: '0',
    });
    closing.push(cold.close);
    const peer = await emmett(`${name}_emmett`);
    closing.push(peer.close);
    const pg = await rawPostgres(`${name}_raw`);
    closing.push(pg.close);
    const kafka = await rawKafka(topics[1]);
    closing.push(kafka.close);

    const OURS = 'ours: command (bus → read → decide → append), relay to Kafka';
    const OURS_ALONE = 'ours: command, no Kafka';
    const OURS_COLD = 'ours: command, no Kafka, no write memory';
    const OURS_APPEND = 'ours: append only (store.append), relay to Kafka';
    const OURS_APPEND_ALONE = 'ours: append only, no Kafka';
    const contenders = [
      [OURS, ours.commands],
      [OURS_ALONE, alone.commands],
      [OURS_COLD, cold.commands],
      ['Emmett: command (CommandHandler → read → decide → append)', peer.commands],
      [OURS_APPEND, ours.appends],
      [OURS_APPEND_ALONE, alone.appends],
      ['Emmett: append only (appendToStream)', peer.appends],
      ['pg: one row per INSERT', pg.rows],
      [`pg: ${BATCH_ROWS} rows per INSERT`, pg.batches],
      ['kafkajs: one record per send', kafka.records],
      [`kafkajs: ${BATCH_ROWS} records per send`, kafka.batches],
    ];
    // Not counted: the first writes create Emmett's tables and warm every connection.
    for (const [, round] of contenders) await round(2, quick ? 0.1 : 0.5);
    const inProcessRows = [];
    for (const concurrency of concurrencies) {
      const results = await interleave(
        contenders.map(([contender, round]) => ({ name: contender, round: () => round(concurrency, seconds) })),
        rounds,
        progress(`c=${concurrency}`),
      );
      const rate = (contender) => results.get(contender).rate;
      for (const [contender] of contenders) {
        const result = results.get(contender);
        const commandLevel = contender.includes('command');
        const ratios = contender.startsWith('ours')
          ? ['—', '—']
          : [
              formatRatio(rate(commandLevel ? OURS : OURS_APPEND), result.rate),
              formatRatio(rate(commandLevel ? OURS_ALONE : OURS_APPEND_ALONE), result.rate),
            ];
        inProcessRows.push([concurrency, contender, formatRate(result.rate), formatMs(result.p50), formatMs(result.p99), ...ratios]);
      }
      verdicts.push(
        emmettVerdict(
          concurrency,
          rate(OURS),
          rate('Emmett: command (CommandHandler → read → decide → append)'),
          rate(OURS_ALONE),
          rate(OURS_COLD),
        ),
      );
      measured.set(concurrency, {
        ours: rate(OURS),
        alone: rate(OURS_ALONE),
        appendAlone: rate(OURS_APPEND_ALONE),
        emmettAppend: rate('Emmett: append only (appendToStream)'),
        row: rate('pg: one row per INSERT'),
      });
    }
    for (const close of closing.splice(0).reverse()) await close();

    // In process on the embedded default (the smoke run leaves it to the append-http suite, which starts PGlite too).
    const embeddedRows = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-append-'));
    dataDirs.push(dataDir);
    const embedded = quick ? undefined : await ourService({ DATA_DIR: dataDir });
    if (embedded) closing.push(embedded.close);
    for (const concurrency of embedded ? concurrencies : []) {
      const results = await interleave(
        [{ name: 'ours: command', round: () => embedded.commands(concurrency, seconds) }],
        rounds,
        progress(`embedded c=${concurrency}`),
      );
      const result = results.get('ours: command');
      embeddedRows.push([
        concurrency,
        'ours: command, embedded (PGlite, table log)',
        formatRate(result.rate),
        formatMs(result.p50),
        formatMs(result.p99),
        '—',
        '—',
      ]);
    }
    for (const close of closing.splice(0).reverse()) await close();

    const columns = ['clients', 'writer', 'rate', 'p50', 'p99', 'ours ÷ this', 'ours without Kafka ÷ this'];
    const sections = [
      {
        section: 'Append in process: PostgreSQL with the relay to Kafka, side by side with Emmett and the raw limits',
        findings: 'append-in-process',
        columns,
        rows: inProcessRows,
        notes: [
          `Each contender writes the same commitment events (record, disbursement, amendment, disbursement per stream, shaped like the data set's), one event per command, from \`clients\` concurrent writers in this process, on pools of ${POOL_SIZE} connections. ` +
            `Rounds of ${seconds} s, interleaved contender by contender; rates and percentiles are the medians of ${rounds} rounds. ` +
            '"ours ÷ this" divides our command rate by a command-level contender\'s, our append rate by the others\'; "ours without Kafka ÷ this" does the same with the service running no relay.',
          '"ours: command" is the whole write path short of HTTP: the Nest command bus, the aggregate writer (read the stream, fold, decide), the store\'s group commit (`append_to_streams`), ' +
            'and, with Kafka, the relay publishing in the same process — a round with the relay ends only when the relay has put every event of the round on the topic, so its rate is of events stored *and* published. ' +
            '"no Kafka" is the same service with the log in the events table (no relay), which is what Emmett does: it stores, it publishes nothing. ' +
            'Emmett\'s CommandHandler runs the same pure decider over `getPostgreSQLEventStore` in a schema of its own; "append only" skips the read and the decision on both sides. ' +
            "The raw rows are the same events as plain INSERTs into a table with no constraint but its primary key; the kafkajs producer is idempotent, with acks from all replicas and one request in flight, as the relay's, sending the relay's CloudEvents records.",
          `Target: our command rate ≥ ${TARGET_RATIO_TO_EMMETT} × Emmett's at equal concurrency. ${verdicts.join('; ')}.`,
          ...measuredFindings(measured),
        ],
      },
      {
        section: 'Append in process: the embedded default',
        columns,
        rows: embeddedRows,
        notes: [
          'PGlite (PostgreSQL in WebAssembly) is one session: writes are serialised whatever the number of clients, and the table projector runs in the same process.',
        ],
      },
    ];
    return sections.filter((section) => section.rows.length > 0);
  } finally {
    for (const close of closing.reverse()) await close().catch(() => undefined);
    await dropSchemas(name);
    await deleteTopics(topics);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}
