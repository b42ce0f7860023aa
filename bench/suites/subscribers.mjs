// Memory of the embedded default (what `npm start` runs: PGlite, the table as the log, the data
// set loaded) idle and under Server-Sent Events subscribers: the built server in its own process,
// its resident memory sampled idle, with every subscriber connected, while writes are delivered
// to all of them, and after they leave. Plus how long each delivery took, from the write's
// answer to its arrival at each subscriber.
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { residentMb as rssMb, startServer } from '../lib/environment.mjs';
import { takeEvents } from '../lib/sse.mjs';
import { formatMs, percentile } from '../lib/stats.mjs';
import { commitmentWrite, httpRequest } from '../lib/workload.mjs';

const DATA_SET = 'belarus-russia-2018-2021';
const TARGET_IDLE_RSS_MB = 300;
/** "Flat": the subscribers may add at most this share of the idle figure. */
const FLAT_SHARE = 0.15;

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One SSE subscriber on its own connection: notes when each event id arrived. */
function subscribe(base, headers) {
  const received = new Map();
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/v1/events/stream?types=CommitmentRecorded`,
      { headers: { accept: 'text/event-stream', ...headers }, agent: false },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`the event stream answered ${response.statusCode}`));
          return;
        }
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk) => {
          const now = performance.now();
          const { events, rest } = takeEvents(buffer + chunk);
          buffer = rest;
          for (const event of events) received.set(event.id, now);
        });
        response.on('error', () => undefined);
        resolve({ received, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Samples the process's resident memory every 100 ms until stopped; resolves to the largest sample. */
function sampleRss(pid) {
  let largest = rssMb(pid);
  const timer = setInterval(() => {
    largest = Math.max(largest, rssMb(pid));
  }, 100);
  return () => {
    clearInterval(timer);
    return Math.max(largest, rssMb(pid));
  };
}

export async function run({ quick }) {
  const subscriberCount = quick ? 20 : 300;
  const writes = quick ? 10 : 100;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-subscribers-'));
  const server = await startServer({ DATABASE_URL: '', KAFKA_BROKERS: '', DATA_DIR: dataDir, TIMELINE_SEED: DATA_SET, LOG_LEVEL: 'warn' });
  const subscribers = [];
  try {
    await settle(quick ? 1_000 : 5_000);
    const idle = rssMb(server.pid);

    for (let i = 0; i < subscriberCount; i++) subscribers.push(await subscribe(server.base, server.headers));
    await settle(quick ? 1_000 : 5_000);
    const connected = rssMb(server.pid);

    const stopSampling = sampleRss(server.pid);
    const accepted = new Map();
    for (let i = 0; i < writes; i++) {
      const { path, body } = httpRequest(commitmentWrite(0, i * 4), uuidv7());
      const response = await fetch(`${server.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...server.headers },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`write ${i}: ${response.status} ${await response.text()}`);
      accepted.set((await response.json()).eventIds[0], performance.now());
    }
    const deadline = Date.now() + 120_000;
    const deliveredToAll = () => subscribers.every((subscriber) => [...accepted.keys()].every((id) => subscriber.received.has(id)));
    while (!deliveredToAll() && Date.now() < deadline) await settle(100);
    const duringDelivery = stopSampling();
    if (!deliveredToAll()) {
      const short = subscribers.filter((subscriber) => [...accepted.keys()].some((id) => !subscriber.received.has(id))).length;
      throw new Error(`${short} of ${subscriberCount} subscribers did not receive all ${writes} events within 120 s`);
    }
    const latencies = subscribers.flatMap((subscriber) => [...accepted].map(([id, at]) => Math.max(0, subscriber.received.get(id) - at)));
    await settle(quick ? 1_000 : 5_000);
    const afterDelivery = rssMb(server.pid);

    for (const subscriber of subscribers.splice(0)) subscriber.close();
    await settle(quick ? 1_000 : 5_000);
    const afterLeaving = rssMb(server.pid);

    const flatLimit = idle * (1 + FLAT_SHARE);
    const verdictFlat = (mb) => (mb <= flatLimit ? 'met' : 'missed');
    return {
      section: `Embedded default: memory idle and under ${subscriberCount} SSE subscribers`,
      columns: ['what', 'RSS (MB)', 'target', 'verdict'],
      rows: [
        ['idle, data set loaded', idle.toFixed(0), `< ${TARGET_IDLE_RSS_MB} MB`, idle < TARGET_IDLE_RSS_MB ? 'met' : 'missed'],
        [`${subscriberCount} subscribers connected, idle`, connected.toFixed(0), `≤ idle + ${FLAT_SHARE * 100} %`, verdictFlat(connected)],
        [
          `largest sample while ${writes} writes reach all ${subscriberCount} (${writes * subscriberCount} deliveries)`,
          duringDelivery.toFixed(0),
          `≤ idle + ${FLAT_SHARE * 100} %`,
          verdictFlat(duringDelivery),
        ],
        [
          'after the deliveries, subscribers still connected',
          afterDelivery.toFixed(0),
          `≤ idle + ${FLAT_SHARE * 100} %`,
          verdictFlat(afterDelivery),
        ],
        ['after every subscriber left', afterLeaving.toFixed(0), `≤ idle + ${FLAT_SHARE * 100} %`, verdictFlat(afterLeaving)],
        [
          `delivery, write answered → event at a subscriber: p50 / p99 / max of ${latencies.length}`,
          `${formatMs(percentile(latencies, 0.5))} / ${formatMs(percentile(latencies, 0.99))} / ${formatMs(Math.max(...latencies))}`,
          '—',
          '—',
        ],
      ],
      notes: [
        `The built server (\`node dist/apps/api/src/main.js\`, as \`npm start\` runs it) on PGlite in a new temporary DATA_DIR with TIMELINE_SEED=${DATA_SET}; RSS is VmRSS of the server process, read after it idles (${quick ? 1 : 5} s) and every 100 ms during the deliveries.`,
        `Each subscriber holds its own connection to \`GET /v1/events/stream?types=CommitmentRecorded\` from the present position; the writes are new commitments (the benchmark's made-up loans, one at a time, each waited for), and every subscriber must receive every one of them.`,
        `"Flat" is read here as: with the subscribers, at most ${FLAT_SHARE * 100} % above the idle figure of the same process.`,
      ],
    };
  } finally {
    for (const subscriber of subscribers) subscriber.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
