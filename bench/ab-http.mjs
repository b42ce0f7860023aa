#!/usr/bin/env node
// A same-run A/B of two builds of the server: each `dist/` tree's
// `timeline serve` (PostgreSQL + Kafka, api and relay, LOG_LEVEL=info) in a
// process of its own, loaded in turn with the append-http suite's commands,
// A B, B A, A B, … so that the load of a shared machine falls on both alike.
// Prints per round and as medians the rate, p50, p99 and the server's CPU per
// command, and the per-pair ratios B ÷ A: a change is kept when they say so.
//
//   cp -r dist .cache/dist-before   # then change, npm run build
//   node bench/ab-http.mjs --a .cache/dist-before --b dist [--rounds 8] [--seconds 5] [--clients 32]
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { databaseUrl, deleteTopics, dropSchemas, ensureKafka, kafkaBrokers, startProcess, uniqueName } from './lib/environment.mjs';
import { median } from './lib/stats.mjs';
import { httpLoad } from './suites/append-http.mjs';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    rounds: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '32' },
  },
});
if (!values.a || !values.b) {
  console.error('usage: node bench/ab-http.mjs --a <dist> --b <dist> [--rounds 8] [--seconds 5] [--clients 32]');
  process.exit(2);
}
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const clients = Number(values.clients);

const stopKafka = ensureKafka();
const name = uniqueName('bench_http_ab');
const topics = [`${name}.a`, `${name}.b`];
const servers = [];
try {
  for (const [label, dist, topic] of [
    ['a', values.a, topics[0]],
    ['b', values.b, topics[1]],
  ]) {
    const adminKey = randomBytes(24).toString('hex');
    const server = await startProcess({
      script: join(resolve(dist), 'apps/api/src/main.js'),
      args: [],
      env: {
        TIMELINE_SEED: 'none',
        TIMELINE_BOOTSTRAP_ADMIN_KEY: adminKey,
        TIMELINE_RATE_LIMIT: '0',
        DATABASE_URL: databaseUrl(),
        DATABASE_SCHEMA: `${name}_${label}`,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        TIMELINE_ROLES: 'api,relay',
        LOG_LEVEL: 'info',
      },
      readyPath: '/health/ready',
    });
    servers.push({ ...server, headers: { authorization: `Bearer ${adminKey}` }, label, outcomes: [] });
  }
  for (const server of servers) await httpLoad(server, 2, 1);
  for (let round = 0; round < rounds; round++) {
    for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
      const outcome = await httpLoad(server, clients, seconds);
      const rate = outcome.count / outcome.seconds;
      server.outcomes.push({ ...outcome, rate });
      console.log(
        `round ${round + 1} ${server.label}: ${rate.toFixed(0)} commands/s, p50 ${outcome.p50} ms, p99 ${outcome.p99} ms, CPU ${outcome.cpuMs.toFixed(3)} ms/command`,
      );
    }
  }
  const [a, b] = servers;
  for (const server of servers) {
    const of = (key) => median(server.outcomes.map((outcome) => outcome[key]));
    console.log(
      `${server.label} (medians): ${of('rate').toFixed(0)} commands/s, p50 ${of('p50')} ms, p99 ${of('p99')} ms, CPU ${of('cpuMs').toFixed(3)} ms/command`,
    );
  }
  for (const key of ['rate', 'cpuMs']) {
    const ratios = a.outcomes.map((outcome, i) => b.outcomes[i][key] / outcome[key]);
    console.log(`${key} b ÷ a per pair: ${ratios.map((ratio) => ratio.toFixed(3)).join(' ')}; median ${median(ratios).toFixed(3)}`);
  }
} finally {
  for (const server of servers) await server.stop().catch(() => undefined);
  await dropSchemas(name);
  await deleteTopics(topics);
  await stopKafka();
}
