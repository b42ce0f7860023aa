// Start-up on the embedded default, as `npm start` does it: the built server from
// a clean data directory (the store created, migrated and the default data set
// loaded) until /health/ready answers, then the same directory again (already
// seeded), and the resident memory once it idles. Plus the check that lets
// `npm start` skip the build when nothing changed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residentMb as rssMb, root, startServer } from '../lib/environment.mjs';
import { formatMs, percentile } from '../lib/stats.mjs';

const DATA_SET = 'belarus-russia-2018-2021';
const TARGET_FIRST_START_MS = 15_000;
const TARGET_IDLE_RSS_MB = 300;

async function timedStart(dataDir) {
  const began = performance.now();
  const server = await startServer({ DATABASE_URL: '', KAFKA_BROKERS: '', DATA_DIR: dataDir, TIMELINE_SEED: DATA_SET, LOG_LEVEL: 'warn' });
  const ms = performance.now() - began;
  const answer = await fetch(`${server.base}/v1/commitments?limit=1000`, { headers: server.headers }).then((response) => response.json());
  if (!(answer.count > 0)) throw new Error(`the data set was not loaded: ${JSON.stringify(answer).slice(0, 200)}`);
  return { server, ms };
}

export async function run({ quick }) {
  const runs = quick ? 1 : 5;
  const first = [];
  const again = [];
  const idle = [];
  const idleAgain = [];
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
    try {
      const cold = await timedStart(dataDir);
      first.push(cold.ms);
      await new Promise((resolve) => setTimeout(resolve, quick ? 1_000 : 5_000));
      idle.push(rssMb(cold.server.pid));
      await cold.server.stop();
      const warm = await timedStart(dataDir);
      again.push(warm.ms);
      await new Promise((resolve) => setTimeout(resolve, quick ? 1_000 : 5_000));
      idleAgain.push(rssMb(warm.server.pid));
      await warm.server.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  // The build check `npm start` runs first, with nothing changed since `npm run bench` built.
  const checks = [];
  for (let i = 0; i < (quick ? 1 : 5); i++) {
    const began = performance.now();
    const result = spawnSync(process.execPath, [join(root, 'scripts/build-if-changed.mjs')], { encoding: 'utf8' });
    checks.push(performance.now() - began);
    if (result.status !== 0) throw new Error(`build-if-changed failed: ${result.stderr}`);
  }
  const median = (values) => percentile(values, 0.5);
  const firstMedian = median(first);
  const idleMedian = median(idle);
  return {
    section: 'Start-up on the embedded default (npm start)',
    columns: ['what', 'runs', 'median', 'max', 'target', 'verdict'],
    rows: [
      [
        'first start: clean DATA_DIR → ready, data set loaded',
        runs,
        formatMs(firstMedian),
        formatMs(Math.max(...first)),
        `≤ ${TARGET_FIRST_START_MS / 1000} s`,
        firstMedian <= TARGET_FIRST_START_MS ? 'met' : 'missed',
      ],
      ['start again: seeded DATA_DIR → ready', runs, formatMs(median(again)), formatMs(Math.max(...again)), '—', '—'],
      [
        'idle RSS after the first start (MB)',
        runs,
        idleMedian.toFixed(0),
        Math.max(...idle).toFixed(0),
        `< ${TARGET_IDLE_RSS_MB} MB`,
        idleMedian < TARGET_IDLE_RSS_MB ? 'met' : 'missed',
      ],
      [
        'idle RSS after starting again (MB)',
        runs,
        median(idleAgain).toFixed(0),
        Math.max(...idleAgain).toFixed(0),
        `< ${TARGET_IDLE_RSS_MB} MB`,
        median(idleAgain) < TARGET_IDLE_RSS_MB ? 'met' : 'missed',
      ],
      [
        'build check with nothing changed (scripts/build-if-changed.mjs)',
        checks.length,
        formatMs(median(checks)),
        formatMs(Math.max(...checks)),
        '—',
        '—',
      ],
    ],
    notes: [
      `The built server (\`node dist/apps/api/src/main.js\`, what \`npm start\` runs once the build is current) on PGlite in a new temporary DATA_DIR with TIMELINE_SEED=${DATA_SET}; the time runs from the spawn until \`/health/ready\` answers 200 (polled every 200 ms), which the server does only after the data set is loaded; the benchmark then checks that commitments are there.`,
      '"start again" reuses the seeded directory: no migration, no seed. RSS is VmRSS of the server process after it idles (1 s in the quick run, 5 s in a full one).',
      '`npm start` itself adds the build check (last row) when nothing changed, or a full build (tsc and esbuild) when something did.',
    ],
  };
}
