// Time-travel reads at growing history sizes: the queries users make, over HTTP against the
// built server (api role only) on a store filled by `timeline generate` and rebuilt.
//
//   list     GET /v1/commitments?asOf&knownAt&party&status   (first page of 100, id order)
//   one      GET /v1/commitments/{id}?asOf&knownAt
//   timeline GET /v1/timeline?knownAt&party&from&limit=100   (a page in effective order)
//   state    GET /v1/state?asOf&knownAt                       (per section a total and the first page of 50: bounded)
//   list, one and timeline again with reportedBy (the reported axis: only what the sources had
//   published by then; a generated source has no publishedAt, so it counts from its recorded time)
//
// BENCH_TIME_TRAVEL_SIZES=10000,100000 runs some sizes only (default 10k, 100k and 1M; 2k and 20k with --quick);
// BENCH_TIME_TRAVEL_QUERIES=state,list asks some queries only (default all).
// `list reportedBy` (before read models v11 a fold per candidate stream: up to seconds per question at
// 1M events) is asked BENCH_TIME_TRAVEL_SLOW_REQUESTS times at 1M events when set (else as often as the others), and every
// row stops after BENCH_TIME_TRAVEL_ROW_SECONDS (default 900) of measuring; "requests" says how many were measured.
// Each request draws asOf, knownAt, party and status at random (seeded), so that p99 covers
// early and late dates, rare and common parties.
import { dirname, join } from 'node:path';
import pg from 'pg';
import { startServer } from '../lib/environment.mjs';
import { percentile, seededRandom } from '../lib/stats.mjs';
import { dropStore, formatNumber, generatedStore, runCli, withPool, cli } from '../lib/generated-store.mjs';

const TARGET_P99_MS = 20;
const TARGET_RATIO = 2;
/** The bounded GET /v1/state (issue 17). */
const STATE_TARGET_P99_MS = 50;
const PARTIES = ['BY', 'BY', 'RU', 'RU', 'UA', 'KZ', 'EU', 'CN', 'AM', 'PL'];
const STATUSES = ['pledged', 'pledged', 'requested', 'pledged,requested', 'fulfilled'];
const START = Date.UTC(2015, 0, 1);
const SLOW_REQUESTS = positive(process.env.BENCH_TIME_TRAVEL_SLOW_REQUESTS);
const ROW_SECONDS = positive(process.env.BENCH_TIME_TRAVEL_ROW_SECONDS) ?? 900;

function positive(value) {
  const number = Number(value);
  return value !== undefined && Number.isFinite(number) && number > 0 ? number : undefined;
}

// What EXPLAIN (ANALYZE, BUFFERS) and the profiles showed, kept with the suite so that every report
// carries it. The query shapes and indexes: docs/rebuild-and-time-travel.md.

/**
 * `requests` questions from makePath after min(10, requests) warm-up ones, one at a time; stops
 * early once `seconds` of measured questions have passed. Returns p50, p95, p99, the mean items
 * per answer, how many were measured, and the slowest five paths (for EXPLAIN by hand).
 */
async function measure({ base, headers }, requests, makePath, seconds = Infinity) {
  const times = [];
  const slowest = [];
  let items = 0;
  const warmUp = Math.min(10, requests);
  let measuringSince;
  for (let i = 0; i < requests + warmUp; i++) {
    if (i === warmUp) measuringSince = performance.now();
    else if (i > warmUp && performance.now() - measuringSince > seconds * 1000) break;
    const path = makePath();
    const started = performance.now();
    const response = await fetch(`${base}${path}`, { headers }).catch((error) => {
      throw new Error(`${path}: ${error.message} (${error.cause?.code ?? error.cause?.message ?? 'no cause'})`);
    });
    const body = await response.json();
    const elapsed = performance.now() - started;
    if (!response.ok && response.status !== 404)
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    if (i >= warmUp) {
      times.push(elapsed);
      items += body.items?.length ?? stateItems(body) ?? (response.ok ? 1 : 0);
      slowest.push({ path, ms: elapsed });
      slowest.sort((a, b) => b.ms - a.ms).splice(5);
    }
  }
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    p99: percentile(times, 0.99),
    items: items / times.length,
    requests: times.length,
    slowest,
  };
}

/** The items on the first pages of a state answer's sections, undefined for another answer. */
function stateItems(body) {
  const sections = ['parties', 'tracks', 'commitments', 'deployments'].map((name) => body[name]).filter(Boolean);
  return sections.length ? sections.reduce((sum, section) => sum + section.items.length, 0) : undefined;
}

/**
 * True when the store's active read models hold all its events (a rebuild suite ran before)
 * and are of this build's READ_MODEL_VERSION: the server would otherwise replace an older
 * generation with an empty one when it starts, and every answer would be empty.
 */
async function rebuilt(databaseUrl, schema, events) {
  const { READ_MODEL_VERSION } = await import(join(dirname(cli), '../../../libs/projections/src/read-model-schema.js'));
  return withPool(databaseUrl, async (pool) => {
    const { rows } = await pool
      .query(
        `SELECT g.schema_name FROM "${schema}".projection_state s JOIN "${schema}".projection_generations g ON g.generation = s.active_generation`,
      )
      .catch(() => ({ rows: [] }));
    if (!rows[0] || !rows[0].schema_name.endsWith(`_v${READ_MODEL_VERSION}`)) return false;
    const { rows: projected } = await pool.query(`SELECT count(*)::int AS count FROM "${rows[0].schema_name}".stream_events`);
    return projected[0].count === events;
  });
}

/** `sizes` (for running parts by hand) defaults to 10k, 100k and 1M events; 2k and 20k when quick. */
/**
 * The work PostgreSQL does per question, independent of how loaded the machine is: the
 * server's read models asked directly, each read-model query run once more under
 * EXPLAIN (ANALYZE, BUFFERS). Returns the median and largest count of shared buffers touched.
 */
async function buffersPerQuestion(databaseUrl, schema, ask, questions, { withCounts = false } = {}) {
  const { ReadModel } = await import(join(dirname(cli), '../../../libs/projections/src/read-model.js'));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, options: `-c search_path=${schema}` });
  try {
    const counts = [];
    let current = 0;
    const explaining = {
      query: async (text, params) => {
        if (
          /\.(commitment_versions|commitment_reported_versions|timeline|entity_versions)\b/.test(text) &&
          (withCounts || !/count\(\*\)/.test(text))
        ) {
          const { rows } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, params);
          const plan = rows[0]['QUERY PLAN'][0].Plan;
          current += plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
        }
        return pool.query(text, params);
      },
    };
    const readModel = new ReadModel(explaining);
    for (let i = 0; i < questions; i++) {
      current = 0;
      await ask(readModel);
      counts.push(current);
    }
    counts.sort((a, b) => a - b);
    return { median: percentile(counts, 0.5), max: counts[counts.length - 1] };
  } finally {
    await pool.end();
  }
}

const QUERIES_FROM_ENV = process.env.BENCH_TIME_TRAVEL_QUERIES?.split(',').map((name) => name.trim());
const SIZES_FROM_ENV = process.env.BENCH_TIME_TRAVEL_SIZES?.split(',')
  .map(Number)
  .filter((size) => Number.isSafeInteger(size) && size > 0);

export async function run({
  quick,
  sizes = SIZES_FROM_ENV?.length ? SIZES_FROM_ENV : quick ? [2_000, 20_000] : [10_000, 100_000, 1_000_000],
}) {
  const requests = quick ? 60 : 400;
  const results = new Map();
  const rows = [];
  const tableRows = [];
  for (const events of sizes) {
    const store = await generatedStore({ events, quick, publish: false });
    try {
      if (!(await rebuilt(store.env.DATABASE_URL, store.schema, events))) await runCli(['rebuild', '--from', 'table'], store.env);
      const ids = await withPool(store.env.DATABASE_URL, async (pool) => {
        const { rows: active } = await pool.query(
          `SELECT g.schema_name FROM "${store.schema}".projection_state s JOIN "${store.schema}".projection_generations g ON g.generation = s.active_generation`,
        );
        const { rows: sample } = await pool.query(
          `SELECT DISTINCT commitment_id FROM "${active[0].schema_name}".commitment_versions TABLESAMPLE SYSTEM (5) LIMIT 500`,
        );
        const { rows: counted } = await pool.query(
          `SELECT (SELECT count(*) FROM "${active[0].schema_name}".commitment_versions)::int AS bitemporal,
                  (SELECT count(*) FROM "${active[0].schema_name}".commitment_reported_versions)::int AS reported`,
        );
        tableRows.push(
          `At ${formatNumber(events)} events, \`commitment_versions\` holds ${formatNumber(counted[0].bitemporal)} rows and ` +
            `\`commitment_reported_versions\` (the reported axis) ${formatNumber(counted[0].reported)}.`,
        );
        return sample.map((row) => row.commitment_id);
      });
      // The read models may come from the rebuild suite's rebuild from the topic, whose checkpoints are the
      // topic's offsets; this server reads the events table as its log and would count every event as lag
      // (readiness 503). rebuilt() has checked that the read models hold every event.
      const server = await startServer({ ...store.env, LOG_LEVEL: 'warn', TIMELINE_ROLES: 'api', READY_MAX_PROJECTOR_LAG: '1000000000' });
      try {
        const random = seededRandom(events);
        const now = Date.now();
        const date = (from = START) => new Date(from + random() * (now - from));
        const pick = (values) => values[Math.floor(random() * values.length)];
        const asOfKnownAt = () => {
          const asOf = date();
          // Half the questions are about what is known now; the others about an earlier belief.
          const knownAt = random() < 0.5 ? undefined : date(asOf.getTime());
          return `asOf=${asOf.toISOString().slice(0, 10)}${knownAt ? `&knownAt=${knownAt.toISOString()}` : ''}`;
        };
        const queries = {
          list: () => `/v1/commitments?${asOfKnownAt()}&party=${pick(PARTIES)}&status=${pick(STATUSES)}`,
          one: () => `/v1/commitments/${encodeURIComponent(pick(ids))}?${asOfKnownAt()}`,
          timeline: () => {
            const from = date();
            // As known now, or at a time after `from` (what was known of events since X, at Y).
            const knownAt = random() < 0.5 ? '' : `&knownAt=${date(from.getTime()).toISOString()}`;
            return `/v1/timeline?party=${pick(PARTIES)}&from=${from.toISOString().slice(0, 10)}&limit=100${knownAt}`;
          },
          state: () => `/v1/state?${asOfKnownAt()}`,
        };
        // The reported axis: reportedBy uniform between asOf (the timeline's from) and now.
        const reportedBy = (path) => {
          const at = Date.parse(/(?:asOf|from)=(\d{4}-\d{2}-\d{2})/.exec(path)[1]);
          return `${path}&reportedBy=${date(at).toISOString().slice(0, 10)}`;
        };
        queries['list reportedBy'] = () => reportedBy(queries.list());
        queries['one reportedBy'] = () => reportedBy(queries.one());
        queries['timeline reportedBy'] = () => reportedBy(queries.timeline());
        const iso = (from = START) => date(from).toISOString();
        const direct = {
          list: (rm) => {
            const asOf = iso();
            return rm.commitments(
              asOf,
              random() < 0.5 ? new Date().toISOString() : iso(Date.parse(asOf)),
              { parties: [pick(PARTIES)], status: pick(STATUSES).split(',') },
              { limit: 101 },
            );
          },
          one: (rm) => {
            const asOf = iso();
            return rm.commitment(pick(ids), asOf, random() < 0.5 ? new Date().toISOString() : iso(Date.parse(asOf)));
          },
          timeline: (rm) => {
            const from = iso();
            return rm.timeline({
              from,
              knownAt: random() < 0.5 ? new Date().toISOString() : iso(Date.parse(from)),
              parties: [pick(PARTIES)],
              limit: 101,
            });
          },
        };
        // The same three on the reported axis: reportedBy uniform between asOf (from) and now.
        const reportedAfter = (at) => iso(Date.parse(at));
        direct['list reportedBy'] = (rm) => {
          const asOf = iso();
          const knownAt = random() < 0.5 ? new Date().toISOString() : iso(Date.parse(asOf));
          const filter = { parties: [pick(PARTIES)], status: pick(STATUSES).split(',') };
          return rm.commitments(asOf, knownAt, filter, { limit: 101 }, reportedAfter(asOf));
        };
        direct['one reportedBy'] = (rm) => {
          const asOf = iso();
          const knownAt = random() < 0.5 ? new Date().toISOString() : iso(Date.parse(asOf));
          return rm.commitment(pick(ids), asOf, knownAt, reportedAfter(asOf));
        };
        direct['timeline reportedBy'] = (rm) => {
          const from = iso();
          const knownAt = random() < 0.5 ? new Date().toISOString() : iso(Date.parse(from));
          return rm.timeline({ from, knownAt, parties: [pick(PARTIES)], limit: 101, reportedBy: reportedAfter(from) });
        };
        // The state's first pages and its totals: every query of one answer, its counts included.
        const { statePage } = await import(join(dirname(cli), '../../api/src/time-travel/state-sections.js'));
        direct.state = (rm) => {
          const asOf = iso();
          return statePage(rm, {}, { asOf, knownAt: random() < 0.5 ? new Date().toISOString() : iso(Date.parse(asOf)) });
        };
        const buffers = {};
        for (const [name, ask] of Object.entries(direct).filter(([name]) => !QUERIES_FROM_ENV || QUERIES_FROM_ENV.includes(name)))
          buffers[name] = await buffersPerQuestion(store.env.DATABASE_URL, store.schema, ask, quick ? 20 : 100, {
            withCounts: name === 'state',
          });
        for (const [name, makePath] of Object.entries(queries).filter(([name]) => !QUERIES_FROM_ENV || QUERIES_FROM_ENV.includes(name))) {
          const count = name === 'list reportedBy' && events >= 1_000_000 && !quick ? (SLOW_REQUESTS ?? requests) : requests;
          const began = performance.now();
          const result = await measure(server, count, makePath, ROW_SECONDS);
          results.set(`${name}:${events}`, result);
          console.log(
            `  ${name} at ${formatNumber(events)}: ${result.requests} requests in ${formatNumber((performance.now() - began) / 1000, 1)} s; slowest: ` +
              result.slowest.map(({ path, ms }) => `${formatNumber(ms, 0)} ms ${path}`).join(' | '),
          );
          const work = buffers[name] ? `${formatNumber(buffers[name].median)} / ${formatNumber(buffers[name].max)}` : '—';
          rows.push([
            name,
            formatNumber(events),
            `${formatNumber(result.p50, 1)} ms`,
            `${formatNumber(result.p95, 1)} ms`,
            `${formatNumber(result.p99, 1)} ms`,
            formatNumber(result.items, 1),
            formatNumber(result.requests),
            work,
          ]);
        }
      } finally {
        await server.stop();
      }
    } finally {
      if (quick) await dropStore({ schema: store.schema });
    }
  }
  const smallest = sizes[0];
  const largest = sizes[sizes.length - 1];
  const notes = [...tableRows];
  for (const name of ['list', 'one', 'timeline', 'state', 'list reportedBy', 'one reportedBy', 'timeline reportedBy']) {
    const small = results.get(`${name}:${smallest}`);
    const large = results.get(`${name}:${largest}`);
    // One size only: the ratio is worked out against another run's figures, by hand.
    if (!small || !large || smallest === largest) continue;
    const ratio = large.p99 / small.p99;
    const verdict =
      name === 'state'
        ? ` (p99 < ${STATE_TARGET_P99_MS} ms at ${formatNumber(largest)}: ${large.p99 < STATE_TARGET_P99_MS ? 'met' : 'missed'})`
        : ` (target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'missed'}; p99 < ${TARGET_P99_MS} ms at ${formatNumber(largest)}: ${large.p99 < TARGET_P99_MS ? 'met' : 'missed'})`;
    notes.push(`**${name}**: p99(${formatNumber(largest)}) / p99(${formatNumber(smallest)}) = ${formatNumber(ratio, 2)}${verdict}.`);
  }
  notes.push(
    'Sequential requests over HTTP/1.1 keep-alive to the built server (api role, PostgreSQL), after 10 warm-up requests; ' +
      "asOf (and the timeline's from) uniform over 2015–now, knownAt now or uniform between asOf (from) and now, party weighted to BY and RU as in the data; " +
      'the reportedBy rows add reportedBy uniform between asOf (from) and now (generated sources have no publishedAt, so a fact counts as reported from when it was recorded, 2015–now). ' +
      '"items" is the mean number of items per answer. `state` answers per section (parties, programmes, commitments, active ' +
      'deployments) its total, counted in the database, and its first page of 50 (issue 17: p99 < 50 ms at 1M events). ' +
      '"buffers" is the work PostgreSQL does for one question whatever the load: shared buffers touched by its ' +
      "read-model queries (for state, every query of the answer: four counts, the pages and the parties' skip scan) " +
      '(EXPLAIN ANALYZE, BUFFERS), over 100 questions (20 with --quick) drawn the same way, asked of the read model directly. ' +
      `A row stops measuring after ${ROW_SECONDS} s; "requests" is the number measured` +
      (!quick && largest >= 1_000_000 && SLOW_REQUESTS
        ? `, and at 1M events \`list reportedBy\` is asked ${SLOW_REQUESTS} times, not ${requests}.`
        : '.'),
  );
  return {
    section: `Time travel at ${sizes.map(short).join(', ')} events`,
    findings: 'time-travel',
    columns: ['query', 'events', 'p50', 'p95', 'p99', 'items', 'requests', 'buffers median / max'],
    rows,
    notes,
  };
}

function short(events) {
  return events >= 1_000_000 && events % 1_000_000 === 0
    ? `${events / 1_000_000}M`
    : events >= 1_000 && events % 1_000 === 0
      ? `${events / 1_000}k`
      : formatNumber(events);
}
