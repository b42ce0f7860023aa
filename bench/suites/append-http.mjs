// Append over HTTP: commands/s and latency of the built server in its own
// process, loaded by autocannon at 1, 8 and 32 connections; on PostgreSQL
// with the relay to Kafka, side by side in the same rounds with the limits
// of writing over HTTP on this machine — a bare `node:http` server that
// parses the body and INSERTs one row (bench/servers/bare-http.mjs) — and
// Emmett's HTTP API over its PostgreSQL event store with the same decider
// (bench/servers/emmett-http.mjs); then on the embedded default.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  databaseUrl,
  deleteTopics,
  dropSchemas,
  kafkaBrokers,
  processCpuMs,
  require,
  root,
  startProcess,
  startServer,
  uniqueName,
} from '../lib/environment.mjs';
import { formatMs, formatRate, formatRatio, interleave } from '../lib/stats.mjs';
import { commitmentWrite, httpRequest, nextCommitmentId } from '../lib/workload.mjs';

const CONCURRENCY = [1, 8, 32];
/** The CI smoke run checks that every contender works, at one concurrency. */
const QUICK_CONCURRENCY = [8];

/** Issue 8: an absolute rate. */
const TARGET_HTTP = { clients: 32, rate: 1500, p99: 50 };
/** Issue 17: the same run's bare server and Emmett's HTTP API as the measures. */
const TARGET_TO_BARE = { clients: 32, ratio: 0.33, p99: 50 };
const TARGET_TO_EMMETT = { clients: 32, ratio: 2 };

const OURS = 'ours: PostgreSQL + Kafka (api, relay)';
const BARE = 'bare `node:http` + one INSERT (no framework, no validation)';
const EMMETT = "Emmett's HTTP API (Express, CommandHandler, PostgreSQL event store)";
const CEILING = 'ours, same server: `GET /health/live` (no database, no body, not logged)';
const EMBEDDED = 'ours: embedded (PGlite, table log; api, projector)';

let writers = 0;

/** POSTs from autocannon: each connection records a commitment, then disburses, amends, disburses it. */
export async function httpLoad({ base, headers, pid }, concurrency, seconds) {
  const autocannon = require('autocannon');
  const step = (k) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    setupRequest: (request, context) => {
      if (context.writer === undefined) {
        context.writer = writers++;
        context.n = 0;
      }
      context.id = nextCommitmentId(context.id, context.n);
      const { path, body } = httpRequest(commitmentWrite(context.writer, context.n), context.id);
      if (context.n % 4 !== k) throw new Error('autocannon left the order of the requests');
      context.n++;
      return { ...request, path, body: JSON.stringify(body) };
    },
  });
  const cpuBefore = processCpuMs(pid);
  const result = await autocannon({ url: base, connections: concurrency, duration: seconds, requests: [0, 1, 2, 3].map(step) });
  const cpuMs = (processCpuMs(pid) - cpuBefore) / result.requests.total;
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0)
    throw new Error(
      `over HTTP ${failed} of ${result.requests.total} writes to ${base} failed (${result.non2xx} non-2xx, ${result.errors} errors)`,
    );
  return { count: result.requests.total, seconds: result.duration, p50: result.latency.p50, p99: result.latency.p99, cpuMs };
}

async function httpCeiling({ base, pid }, concurrency, seconds) {
  const autocannon = require('autocannon');
  const cpuBefore = processCpuMs(pid);
  const result = await autocannon({ url: `${base}/health/live`, connections: concurrency, duration: seconds });
  const cpuMs = (processCpuMs(pid) - cpuBefore) / result.requests.total;
  if (result.non2xx + result.errors > 0) throw new Error('GET /health/live failed under load');
  return { count: result.requests.total, seconds: result.duration, p50: result.latency.p50, p99: result.latency.p99, cpuMs };
}

/** One of the peers of bench/servers/, in its own process, writing to a schema of its own. */
function startPeer(file, schema) {
  return startProcess({ script: join(root, 'bench/servers', file), env: { BENCH_SCHEMA: schema }, readyPath: '/health' });
}

export async function run({ quick }) {
  const seconds = quick ? 0.2 : 3;
  const concurrencies = quick ? QUICK_CONCURRENCY : CONCURRENCY;
  const rounds = quick ? 1 : 3;
  const began = performance.now();
  const name = uniqueName('bench_http');
  const topics = [`${name}.http`];
  const dataDirs = [];
  const closing = [];
  const rows = [];
  const verdicts = [];
  const progress = (label) => (contender, round, outcome) =>
    process.stderr.write(
      `  append-http ${((performance.now() - began) / 1000).toFixed(1)} s: ${label} ${contender} round ${round + 1}: ${formatRate(outcome.count / outcome.seconds, 'requests/s')}\n`,
    );
  try {
    // The built server as docker-compose runs it (api and relay, LOG_LEVEL=info), and its two peers, all at once:
    // the rounds interleave them, so that the load of a shared machine falls on each alike.
    const ours = await startServer({
      DATABASE_URL: databaseUrl(),
      DATABASE_SCHEMA: `${name}_svc`,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: topics[0],
      TIMELINE_ROLES: 'api,relay',
      LOG_LEVEL: 'info',
    });
    closing.push(ours.stop);
    const bare = await startPeer('bare-http.mjs', `${name}_bare`);
    closing.push(bare.stop);
    const emmett = await startPeer('emmett-http.mjs', `${name}_emmett`);
    closing.push(emmett.stop);
    const contenders = [
      [OURS, ours],
      [BARE, bare],
      [EMMETT, emmett],
    ];
    // Not counted: the first requests warm every connection, the JIT and each store's first statements.
    for (const [, server] of contenders) await httpLoad(server, 2, quick ? 0.1 : 0.5);
    const top = Math.max(...concurrencies);
    for (const concurrency of concurrencies) {
      const round = contenders.map(([label, server]) => ({ name: label, round: () => httpLoad(server, concurrency, seconds) }));
      // The framework's own ceiling on this machine: an answer with no database, no body, no validation.
      if (concurrency === top) round.push({ name: CEILING, round: () => httpCeiling(ours, concurrency, seconds) });
      const results = await interleave(round, rounds, progress(`c=${concurrency}`));
      const oursResult = results.get(OURS);
      for (const [label, result] of results) {
        const unit = label === CEILING ? 'requests/s' : 'commands/s';
        const ratio = label === OURS ? '—' : formatRatio(oursResult.rate, result.rate);
        rows.push([
          concurrency,
          label,
          formatRate(result.rate, unit),
          formatMs(result.p50),
          formatMs(result.p99),
          formatMs(result.cpuMs),
          ratio,
        ]);
      }
      const toBare = oursResult.rate / results.get(BARE).rate;
      const toEmmett = oursResult.rate / results.get(EMMETT).rate;
      if (concurrency === TARGET_TO_BARE.clients) {
        const met = toBare >= TARGET_TO_BARE.ratio && oursResult.p99 < TARGET_TO_BARE.p99;
        verdicts.push(
          `ours ≥ ${TARGET_TO_BARE.ratio} × the bare server at ${TARGET_TO_BARE.clients} clients with p99 < ${TARGET_TO_BARE.p99} ms: ` +
            `${toBare.toFixed(2)} ×, p99 ${formatMs(oursResult.p99)} — ${met ? 'met' : 'missed'}`,
        );
      }
      if (concurrency === TARGET_TO_EMMETT.clients) {
        verdicts.push(
          `ours ≥ ${TARGET_TO_EMMETT.ratio} × Emmett's HTTP API at ${TARGET_TO_EMMETT.clients} clients: ${toEmmett.toFixed(2)} × — ${toEmmett >= TARGET_TO_EMMETT.ratio ? 'met' : 'missed'}`,
        );
      }
      if (concurrency === TARGET_HTTP.clients) {
        const met = oursResult.rate >= TARGET_HTTP.rate && oursResult.p99 < TARGET_HTTP.p99;
        verdicts.push(
          `ours ≥ ${formatRate(TARGET_HTTP.rate, 'commands/s')} at ${TARGET_HTTP.clients} clients with p99 < ${TARGET_HTTP.p99} ms (issue 8): ` +
            `${formatRate(oursResult.rate, 'commands/s')}, p99 ${formatMs(oursResult.p99)} — ${met ? 'met' : 'missed'}`,
        );
      }
    }
    for (const close of closing.splice(0).reverse()) await close();

    // The embedded default, alone (it has no peer that serialises writes on one session as PGlite does).
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-append-http-'));
    dataDirs.push(dataDir);
    const embedded = await startServer({ DATABASE_URL: '', KAFKA_BROKERS: '', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    closing.push(embedded.stop);
    await httpLoad(embedded, 2, quick ? 0.1 : 0.5);
    for (const concurrency of concurrencies) {
      const results = await interleave(
        [{ name: EMBEDDED, round: () => httpLoad(embedded, concurrency, seconds) }],
        rounds,
        progress(`embedded c=${concurrency}`),
      );
      const result = results.get(EMBEDDED);
      rows.push([
        concurrency,
        EMBEDDED,
        formatRate(result.rate, 'commands/s'),
        formatMs(result.p50),
        formatMs(result.p99),
        formatMs(result.cpuMs),
        '—',
      ]);
    }
    for (const close of closing.splice(0).reverse()) await close();

    return {
      section: 'Append over HTTP: the service, a bare node:http server and Emmett’s HTTP API in the same rounds',
      findings: 'append-http',
      columns: ['clients', 'server', 'rate', 'p50', 'p99', 'server CPU per request', 'ours ÷ this'],
      rows,
      notes: [
        'Each server runs in a process of its own and is loaded by autocannon from the benchmark process over loopback: `clients` connections, each recording a commitment and then disbursing, amending and disbursing it ' +
          '(`POST /v1/commitments`, `…/disbursements`, `…/amendments`, the same bodies for every server: `httpRequest` in bench/lib/workload.mjs). ' +
          `Rounds of ${seconds} s, interleaved server by server; rates and percentiles are the medians of ${rounds} rounds. All the processes share the machine's cores with PostgreSQL and the broker. ` +
          '"server CPU per request" is the user and system time the server\'s process used in a round (from /proc) divided by the requests it answered (the work of PostgreSQL and of the broker for it is not counted): what a request costs that process, which the load of a shared machine disturbs far less than it disturbs the rates. ' +
          '"ours ÷ this" divides our PostgreSQL + Kafka rate by the row\'s, at the same number of clients.',
        '"ours" is the built server (`node dist/apps/api/src/main.js`, what `timeline serve` starts) with the api and relay roles and LOG_LEVEL=info (a log line per request), as docker-compose runs it: Nest on Express, DTO validation, the key check, the command bus, the aggregate writer, the group-committed append, and the relay publishing to Kafka in the same process. ' +
          'The bare server (bench/servers/bare-http.mjs) is `node:http` with no framework: it reads the body, `JSON.parse`s it and INSERTs one row (path and body as jsonb) into a plain table of its own schema on a pool of 10 connections, synchronous_commit on, then answers 201 with a tiny JSON — the floor of a durable write over HTTP here. ' +
          "Emmett's row (bench/servers/emmett-http.mjs) is Emmett's Express API style over Emmett's `CommandHandler` with our pure commitment decider and `getPostgreSQLEventStore` in a schema of its own, pool of 10: @event-driven-io/emmett-expressjs is not installed, so its `getApplication` set-up (express.json, express.urlencoded, router, problem details) and its `on`/`Created`/`NoContent` helpers are rewritten there after its source. Like Emmett's samples it checks the route's id and passes the body on unvalidated, and it publishes nothing.",
        `Targets: ${verdicts.length > 0 ? verdicts.join('; ') : `not measured in this run (they are at ${TARGET_HTTP.clients} clients)`}.`,
      ],
    };
  } finally {
    for (const close of closing.reverse()) await close().catch(() => undefined);
    await dropSchemas(name);
    await deleteTopics(topics);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}
