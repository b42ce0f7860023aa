#!/usr/bin/env node
// Derivation of read-model rows (streamRows, the CPU-bound middle of a bulk rebuild) on a
// generated store, for builds side by side: each build in a child process of its own, rounds
// interleaved, median wall and CPU time per build (CPU time is the steadier on a shared machine); and a digest of every row, which must be the same for all.
//
//   node bench/derive-ab.mjs [--schema bench_gen_100000] [--rounds 3] [--reps 3] <dist> [<dist> …]
//
// <dist> is a build's output directory (dist/ of this checkout, or a copy of another's).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { databaseUrl } from './lib/environment.mjs';
import { median } from './lib/stats.mjs';

const { values: options, positionals: dists } = parseArgs({
  allowPositionals: true,
  options: {
    schema: { type: 'string', default: 'bench_gen_100000' },
    rounds: { type: 'string', default: '3' },
    reps: { type: 'string', default: '1' },
    child: { type: 'boolean', default: false },
  },
});

if (options.child) {
  console.log(JSON.stringify(await derive(resolve(dists[0]), options.schema, Number(options.reps))));
} else {
  if (dists.length === 0) {
    console.error('usage: node bench/derive-ab.mjs [--schema S] [--rounds N] [--reps N] <dist> [<dist> …]');
    process.exit(2);
  }
  const results = new Map(dists.map((dist) => [dist, []]));
  for (let round = 0; round < Number(options.rounds); round++) {
    for (const dist of dists) {
      const result = await child(dist);
      results.get(dist).push(result);
      console.log(
        `round ${round + 1} ${dist}: ${result.ms.join(', ')} ms, cpu ${result.cpuMs.join(', ')} ms, ${result.rows} rows, digest ${result.digest.slice(0, 16)}`,
      );
    }
  }
  const digests = new Set([...results.values()].flatMap((list) => list.map((result) => result.digest)));
  for (const [dist, list] of results) {
    const ms = median(list.flatMap((result) => result.ms));
    const cpuMs = median(list.flatMap((result) => result.cpuMs));
    console.log(
      `${dist}: median ${Math.round(ms)} ms (${Math.round((list[0].events / ms) * 1000)} events/s), ` +
        `CPU ${Math.round(cpuMs)} ms (${Math.round((cpuMs * 1000) / list[0].events)} µs per event) for ${list[0].events} events`,
    );
  }
  console.log(digests.size === 1 ? 'rows identical across builds' : `ROWS DIFFER: ${[...digests].join(' ')}`);
  if (digests.size !== 1) process.exitCode = 1;
}

function child(dist) {
  return new Promise((resolveChild, reject) => {
    const args = [fileURLToPath(import.meta.url), '--child', '--schema', options.schema, '--reps', options.reps, dist];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.on('exit', (code) => (code === 0 ? resolveChild(JSON.parse(out)) : reject(new Error(`child for ${dist} exited with ${code}`))));
  });
}

async function derive(dist, schema, reps) {
  const require = createRequire(`${dist}/`);
  const { streamRows } = require(`${dist}/libs/projections/src/bulk/stream-rows.js`);
  const { readEventsAfter } = require(`${dist}/libs/event-store/src/index.js`);
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 1, options: `-c search_path=${schema}` });
  const byStream = new Map();
  let events = 0;
  try {
    for (let after = '0'; ;) {
      const page = await readEventsAfter(pool, { after, limit: 10_000 });
      if (page.length === 0) break;
      for (const event of page) {
        const list = byStream.get(event.streamId) ?? [];
        list.push(event);
        byStream.set(event.streamId, list);
      }
      events += page.length;
      after = page[page.length - 1].position;
    }
  } finally {
    await pool.end();
  }
  const streams = [...byStream.values()].map((list) => list.sort((a, b) => a.streamVersion - b.streamVersion));
  const ms = [];
  const cpuMs = [];
  for (let rep = 0; rep < reps; rep++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const history of streams) streamRows(history);
    const used = process.cpuUsage(cpu);
    ms.push(Math.round(performance.now() - started));
    cpuMs.push(Math.round((used.user + used.system) / 1000));
  }
  const hash = createHash('sha256');
  let rows = 0;
  for (const history of streams) {
    const derived = streamRows(history);
    rows += derived.commitmentVersions.length + derived.entityVersions.length + derived.timeline.length;
    hash.update(JSON.stringify(derived));
  }
  return { events, rows, ms, cpuMs, digest: hash.digest('hex') };
}
