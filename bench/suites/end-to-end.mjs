// End to end: from an accepted write (its 2xx answer received) to the same
// event arriving on a Server-Sent Events subscription, against the built
// server in its own process: through PostgreSQL, the relay, the Kafka topic and
// the SSE gateway's consumer; and on the embedded default (the events table).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, deleteTopics, dropSchemas, kafkaBrokers, startServer, uniqueName } from '../lib/environment.mjs';
import { formatMs, percentile } from '../lib/stats.mjs';
import { commitmentWrite, httpRequest } from '../lib/workload.mjs';
import { takeEvents } from '../lib/sse.mjs';
import { v7 as uuidv7 } from 'uuid';

const TARGET_P99_MS = 250;

/** Writes one at a time and notes, per event id, when the answer came and when the stream delivered it. */
async function measure({ base, headers }, writes) {
  const received = new Map();
  const abort = new AbortController();
  const stream = await fetch(`${base}/v1/events/stream?types=CommitmentRecorded`, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  if (!stream.ok) throw new Error(`the event stream answered ${stream.status}`);
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of stream.body) {
        const now = performance.now();
        const { events, rest } = takeEvents(buffer + decoder.decode(chunk, { stream: true }));
        buffer = rest;
        for (const event of events) received.set(event.id, now);
      }
    } catch {
      /* aborted at the end */
    }
  })();

  const accepted = new Map();
  for (let i = 0; i < writes; i++) {
    // Every write records a new commitment, shaped like the data set's.
    const { path, body } = httpRequest(commitmentWrite(0, i * 4), uuidv7());
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`write ${i}: ${response.status} ${await response.text()}`);
    const answer = await response.json();
    accepted.set(answer.eventIds[0], performance.now());
  }
  const deadline = Date.now() + 30_000;
  while (received.size < writes && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  abort.abort();
  await reading;
  // An event can arrive before the answer to its write is read: that is a latency of zero.
  const latencies = [...accepted].filter(([id]) => received.has(id)).map(([id, at]) => Math.max(0, received.get(id) - at));
  if (latencies.length < writes) throw new Error(`only ${latencies.length} of ${writes} events arrived on the stream`);
  return latencies;
}

export async function run({ quick }) {
  const writes = quick ? 30 : 500;
  const name = uniqueName('bench_e2e');
  const topic = `${name}.events`;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  const modes = [
    [
      'PostgreSQL + Kafka (api, relay)',
      {
        DATABASE_URL: databaseUrl(),
        DATABASE_SCHEMA: name,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        TIMELINE_ROLES: 'api,relay',
        LOG_LEVEL: 'warn',
      },
    ],
    ['embedded (PGlite, table log)', { DATABASE_URL: '', KAFKA_BROKERS: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }],
  ];
  const rows = [];
  const verdicts = [];
  try {
    for (const [mode, env] of modes) {
      const server = await startServer(env);
      try {
        const latencies = await measure(server, writes);
        const p99 = percentile(latencies, 0.99);
        rows.push([
          mode,
          writes,
          formatMs(percentile(latencies, 0.5)),
          formatMs(percentile(latencies, 0.9)),
          formatMs(p99),
          formatMs(Math.max(...latencies)),
        ]);
        if (env.KAFKA_BROKERS) verdicts.push(`${mode}: p99 ${formatMs(p99)} — ${p99 < TARGET_P99_MS ? 'met' : 'missed'}`);
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await dropSchemas(name);
    await deleteTopics([topic]);
  }
  return {
    section: 'End to end: accepted write → SSE subscriber',
    columns: ['mode', 'writes', 'p50', 'p90', 'p99', 'max'],
    rows,
    notes: [
      `${writes} sequential writes (\`POST /v1/commitments\`, one new commitment each), one subscriber (\`GET /v1/events/stream?types=CommitmentRecorded\`); latency from the write's answer received to the event received on the stream, both read by the benchmark process. Percentiles of this run's writes.`,
      `Target: p99 < ${TARGET_P99_MS} ms through Kafka. ${verdicts.join('; ')}.`,
      "Reading: through Kafka the relay wakes on the append's notification, waits its 10 ms linger (so that commands arriving together are published together), " +
        "sends the records, and the gateway's consumer puts each on the stream as it arrives. The embedded default has no broker to push: its feed looks at the events table " +
        'every 50 ms, which sets its median; PGlite serialises all work on one connection, which makes its tail.',
    ],
  };
}
