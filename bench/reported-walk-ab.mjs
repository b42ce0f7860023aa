#!/usr/bin/env node
// The reported axis's candidate-stream walk with and without its upper bound on `stream_id`
// (libs/projections/src/reported.ts, `afterEveryUuid`), on the same store and the same random
// list questions, the two sides alternating which goes first. Every walk statement is run once
// more under EXPLAIN (ANALYZE, BUFFERS): shared buffers touched are independent of the machine's
// load, the execution times are not. Both sides must give the same answer to every question.
//
//   npm run build
//   node dist/apps/cli/src/main.js generate --events 100000 && node dist/apps/cli/src/main.js rebuild --from table   (with DATABASE_SCHEMA=<schema>)
//   node bench/reported-walk-ab.mjs --schema <schema> [--questions 100]
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import pg from 'pg';
import { databaseUrl, root } from './lib/environment.mjs';
import { percentile, seededRandom } from './lib/stats.mjs';

const { values: options } = parseArgs({ options: { schema: { type: 'string' }, questions: { type: 'string', default: '100' } } });
if (!options.schema) {
  console.error('usage: node bench/reported-walk-ab.mjs --schema <schema with generated events and rebuilt read models> [--questions 100]');
  process.exit(2);
}
const { ReadModel } = await import(join(root, 'dist/libs/projections/src/read-model.js'));
const pool = new pg.Pool({ connectionString: databaseUrl(), max: 2, options: `-c search_path=${options.schema}` });

/** A pool for the read model that measures the walk statements and, for the unbounded side, drops the bound. */
function measured(bound) {
  const side = { buffers: 0, ms: 0 };
  side.pool = {
    query: async (text, params) => {
      let sql = text;
      if (typeof sql === 'string' && sql.includes('r.stream_id < $6')) {
        if (!bound) sql = sql.replace('AND r.stream_id < $6', 'AND $6::text IS NOT NULL');
        const { rows } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
        const [plan] = rows[0]['QUERY PLAN'];
        side.buffers += plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'];
        side.ms += plan['Execution Time'];
      }
      return pool.query(sql, params);
    },
  };
  return side;
}

const PARTIES = ['BY', 'BY', 'RU', 'RU', 'UA', 'KZ', 'EU', 'CN', 'AM', 'PL'];
const STATUSES = [['pledged'], ['pledged'], ['requested'], ['pledged', 'requested'], ['fulfilled']];
const START = Date.UTC(2015, 0, 1);
const now = Date.now();
const random = seededRandom(7);
const date = (from = START) => new Date(from + random() * (now - from));
const endOfDay = (day) => `${day.toISOString().slice(0, 10)}T23:59:59.999Z`;
const sides = { bounded: { buffers: [], ms: [] }, unbounded: { buffers: [], ms: [] } };
try {
  for (let i = 0; i < Number(options.questions); i++) {
    const asOf = date();
    const reportedBy = date(asOf.getTime());
    const party = PARTIES[Math.floor(random() * PARTIES.length)];
    const status = STATUSES[Math.floor(random() * STATUSES.length)];
    const answers = {};
    for (const name of i % 2 === 0 ? ['bounded', 'unbounded'] : ['unbounded', 'bounded']) {
      const side = measured(name === 'bounded');
      const items = await new ReadModel(side.pool).commitments(
        endOfDay(asOf),
        new Date().toISOString(),
        { parties: [party], status },
        { limit: 101 },
        endOfDay(reportedBy),
      );
      answers[name] = items.map((item) => item.id).join(',');
      sides[name].buffers.push(side.buffers);
      sides[name].ms.push(side.ms);
    }
    if (answers.bounded !== answers.unbounded) throw new Error(`question ${i}: the two walks gave different answers`);
  }
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  for (const [name, side] of Object.entries(sides)) {
    console.log(
      `${name}: walk buffers median ${percentile(side.buffers, 0.5)}, max ${Math.max(...side.buffers)}, total ${sum(side.buffers)}; ` +
        `walk time median ${percentile(side.ms, 0.5).toFixed(1)} ms, p95 ${percentile(side.ms, 0.95).toFixed(1)} ms, total ${sum(side.ms).toFixed(0)} ms`,
    );
  }
  const pairs = sides.bounded.buffers.map((b, i) => b - sides.unbounded.buffers[i]);
  console.log(
    `per question (bounded − unbounded buffers): fewer ${pairs.filter((d) => d < 0).length}, same ${pairs.filter((d) => d === 0).length}, more ${pairs.filter((d) => d > 0).length}`,
  );
} finally {
  await pool.end();
}
