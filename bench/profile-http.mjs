#!/usr/bin/env node
// A CPU profile of the built server under the append-http suite's load:
// `timeline serve` on PostgreSQL + Kafka (api, relay, LOG_LEVEL=info) started
// with node --cpu-prof, loaded by autocannon with the suite's commands, then
// stopped; prints where the profile went and its summary (profile-summary.mjs).
//
//   node bench/profile-http.mjs [--clients 32] [--seconds 15] [--dir /tmp/prof]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { databaseUrl, deleteTopics, dropSchemas, ensureKafka, kafkaBrokers, root, startServer, uniqueName } from './lib/environment.mjs';
import { httpLoad } from './suites/append-http.mjs';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '15' },
    dir: { type: 'string', default: `/tmp/bench-profile-http-${process.pid}` },
  },
});
mkdirSync(values.dir, { recursive: true });
const stopKafka = ensureKafka();
const name = uniqueName('bench_http_prof');
const topic = `${name}.http`;
try {
  const server = await startServer(
    {
      DATABASE_URL: databaseUrl(),
      DATABASE_SCHEMA: `${name}_svc`,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: topic,
      TIMELINE_ROLES: 'api,relay',
      LOG_LEVEL: 'info',
    },
    { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${values.dir}`] },
  );
  try {
    await httpLoad(server, 2, 1);
    const outcome = await httpLoad(server, Number(values.clients), Number(values.seconds));
    console.log(
      `${values.clients} clients, ${values.seconds} s: ${Math.round(outcome.count / outcome.seconds)} commands/s, p50 ${outcome.p50} ms, p99 ${outcome.p99} ms`,
    );
  } finally {
    await server.stop();
  }
} finally {
  await dropSchemas(name);
  await deleteTopics([topic]);
  await stopKafka();
}
const profiles = readdirSync(values.dir).filter((file) => file.endsWith('.cpuprofile'));
for (const file of profiles) {
  console.log(`\nprofile: ${join(values.dir, file)}`);
  console.log(
    execFileSync(process.execPath, [join(root, 'bench/profile-summary.mjs'), join(values.dir, file), '--top', '40'], { encoding: 'utf8' }),
  );
}
