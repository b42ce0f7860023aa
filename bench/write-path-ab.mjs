#!/usr/bin/env node
// The write path of this checkout against another built checkout of the project, in one
// process, rounds interleaved: for checking that a change of the write side costs nothing
// beyond noise. Both services run the api role on PostgreSQL without Kafka (the relay's cost
// is the same code on both sides and only adds noise), each in a schema of its own.
//
//   npm run build && (cd <other checkout> && npm run build)
//   node bench/write-path-ab.mjs --base <other checkout> [--rounds 5] [--seconds 2] [--clients 1,8,32]
//
// Prints, per number of clients, the median command rate and p99 of each side and their ratio.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { databaseUrl, dropSchemas, uniqueName } from './lib/environment.mjs';
import { formatMs, formatRate, interleave } from './lib/stats.mjs';

const { values: options } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '2' },
    clients: { type: 'string', default: '1,8,32' },
  },
});
if (!options.base) {
  console.error('usage: node bench/write-path-ab.mjs --base <built checkout> [--rounds 5] [--seconds 2] [--clients 1,8,32]');
  process.exit(2);
}

const here = await import('./suites/append.mjs');
const there = await import(pathToFileURL(resolve(options.base, 'bench/suites/append.mjs')).href);
const name = uniqueName('bench_ab');
const sides = [
  ['this checkout', await here.ourService({ DATABASE_URL: databaseUrl(), DATABASE_SCHEMA: `${name}_this`, TIMELINE_ROLES: 'api' })],
  [
    `base (${options.base})`,
    await there.ourService({ DATABASE_URL: databaseUrl(), DATABASE_SCHEMA: `${name}_base`, TIMELINE_ROLES: 'api' }),
  ],
];
try {
  // Not counted: warms each side's connections and code.
  for (const [, side] of sides) await side.commands(2, 0.5);
  const rows = [];
  for (const clients of options.clients.split(',').map(Number)) {
    const results = await interleave(
      sides.map(([label, side]) => ({ name: label, round: () => side.commands(clients, Number(options.seconds)) })),
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
  await dropSchemas(name);
}
