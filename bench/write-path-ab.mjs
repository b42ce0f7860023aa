#!/usr/bin/env node
// The write path of this checkout against another built checkout of the project, in one
// process, rounds interleaved: for checking that a change of the write side costs nothing
// beyond noise. Both services run the api role on PostgreSQL without Kafka (the relay's cost
// is the same code on both sides and only adds noise), each in a schema of its own; with
// --embedded, each runs the embedded default instead (PGlite in a data directory of its own,
// the table projector in the same process, as `npm start` runs it). With --kafka, each runs every
// role that goes through the log: PostgreSQL, the relay to a Kafka topic of its own, the Kafka
// projector and the SSE feed with one subscriber (KAFKA_BROKERS must be set); besides the command
// rounds, rounds of --writes single writes, each waited for, give the time from a write's answer
// to its event at the feed's subscriber and to its row in the read models.
//
//   npm run build && (cd <other checkout> && npm run build)
//   node bench/write-path-ab.mjs --base <other checkout> [--embedded | --kafka] [--rounds 5] [--seconds 2] [--clients 1,8,32] [--writes 100]
//
// Prints, per number of clients, the median command rate and p99 of each side and their ratio;
// with --kafka (the sides' order swapped every round) also the projector's rate over a round,
// the medians of the single writes' p50 and p99 to the feed and to the read models, each with
// the rounds' range and the median of the rounds' own ratios.
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { databaseUrl, dropSchemas, uniqueName } from './lib/environment.mjs';
import { formatMs, formatRate, interleave } from './lib/stats.mjs';

const { values: options } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '2' },
    clients: { type: 'string', default: '1,8,32' },
    embedded: { type: 'boolean', default: false },
    kafka: { type: 'boolean', default: false },
    writes: { type: 'string', default: '100' },
  },
});
if (!options.base || (options.embedded && options.kafka)) {
  console.error(
    'usage: node bench/write-path-ab.mjs --base <built checkout> [--embedded | --kafka] [--rounds 5] [--seconds 2] [--clients 1,8,32] [--writes 100]',
  );
  process.exit(2);
}
if (options.kafka) {
  await import('./lib/log-roles-ab.mjs').then(({ run }) => run(options));
  process.exit(0);
}

const here = await import('./suites/append.mjs');
const there = await import(pathToFileURL(resolve(options.base, 'bench/suites/append.mjs')).href);
const name = uniqueName('bench_ab');
const dataDirs = [];
const serviceEnv = (side) => {
  if (!options.embedded) return { DATABASE_URL: databaseUrl(), DATABASE_SCHEMA: `${name}_${side}`, TIMELINE_ROLES: 'api' };
  const dataDir = mkdtempSync(join(tmpdir(), `bench-ab-${side}-`));
  dataDirs.push(dataDir);
  return { DATABASE_URL: '', KAFKA_BROKERS: '', DATA_DIR: dataDir };
};
const sides = [
  ['this checkout', await here.ourService(serviceEnv('this'))],
  [`base (${options.base})`, await there.ourService(serviceEnv('base'))],
];
/**
 * Not counted: waits until the side's projector (embedded default) has projected what its round
 * wrote, so that the next round of the other side does not share the event loop with this one's
 * backlog.
 */
async function caughtUp(side) {
  if (!side.runtime.projector) return;
  for (const began = performance.now(); performance.now() - began < 120_000;) {
    const lag = await side.runtime.projectorLag();
    if (lag.every((partition) => partition.lag === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the projector did not catch up within 120 s');
}

try {
  // Not counted: warms each side's connections and code.
  for (const [, side] of sides) await side.commands(2, 0.5);
  const rows = [];
  for (const clients of options.clients.split(',').map(Number)) {
    const results = await interleave(
      sides.map(([label, side]) => ({
        name: label,
        round: async () => {
          const outcome = await side.commands(clients, Number(options.seconds));
          await caughtUp(side);
          return outcome;
        },
      })),
      Number(options.rounds),
      (label, round, outcome) =>
        process.stderr.write(`  c=${clients} ${label} round ${round + 1}: ${formatRate(outcome.count / outcome.seconds, 'commands/s')}\n`),
    );
    const [a, b] = sides.map(([label]) => results.get(label));
    rows.push({
      clients,
      this: `${formatRate(a.rate, 'commands/s')}, p99 ${formatMs(a.p99)}`,
      base: `${formatRate(b.rate, 'commands/s')}, p99 ${formatMs(b.p99)}`,
      'rate this ÷ base': `${(a.rate / b.rate).toFixed(2)} ×`,
    });
  }
  console.table(rows);
  console.log(
    `medians of ${options.rounds} interleaved rounds of ${options.seconds} s; load average at the end ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  for (const [, side] of sides) await side.close();
  if (!options.embedded) await dropSchemas(name);
  for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
}
