#!/usr/bin/env node
// Runs the benchmark suites (bench/suites/*.mjs), prints a table per section
// and, on a full run, writes bench/RESULTS.md with the machine, the versions,
// the command line and every section.
//
//   npm run bench                          # every suite, full length; writes bench/RESULTS.md
//   npm run bench -- --quick               # every suite, a few writes each (CI smoke run); writes nothing
//   npm run bench -- --only append,end-to-end [--out bench/partial.md]
//
// A suite is a module exporting `run({ quick })` that resolves to
// `{ section, columns, rows, notes, findings }` (or an array of them). `notes` say what
// was measured and how; what the profiles showed and what was changed because of it is
// prose kept apart, in bench/findings/<findings>.md, and joins the section in the report. Adding a file to
// bench/suites/ adds a suite; SUITE_ORDER only says where it goes in the report.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem, release, type } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { databaseUrl, ensureKafka, require, root } from './lib/environment.mjs';

const SUITE_ORDER = ['startup', 'subscribers', 'append', 'append-http', 'end-to-end', 'rebuild', 'time-travel', 'corrections'];
const LIBRARIES = ['@nestjs/core', 'pg', 'kafkajs', '@electric-sql/pglite', '@event-driven-io/emmett-postgresql', 'autocannon'];

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log('usage: node bench/run.mjs [--quick] [--only <suite,...>] [--out <file>]');
  process.exit(0);
}

const suitesDir = join(root, 'bench/suites');
const available = readdirSync(suitesDir)
  .filter((file) => file.endsWith('.mjs'))
  .map((file) => file.slice(0, -'.mjs'.length))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const chosen = options.only
  ? options.only
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
  : available;
const unknown = chosen.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown suite${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (available: ${available.join(', ')})`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist/apps/cli/src/main.js'))) {
  console.error('dist/ is missing: run "npm run build" first (npm run bench does)');
  process.exit(2);
}
const out = options.out ?? (options.quick || options.only ? undefined : join(root, 'bench/RESULTS.md'));

const startedAt = new Date();
const loadAtStart = loadavg();
const stopKafka = ensureKafka();
const sections = [];
const failures = [];
try {
  for (const name of chosen) {
    console.log(`\n== ${name}${options.quick ? ' (quick)' : ''}`);
    const began = performance.now();
    try {
      const suite = await import(pathToFileURL(join(suitesDir, `${name}.mjs`)).href);
      const result = await suite.run({ quick: options.quick });
      for (const section of [result].flat()) {
        checkSection(name, section);
        const withFindings = { ...section, notes: [...(section.notes ?? []), ...findings(section.findings)] };
        sections.push({ suite: name, ...withFindings });
        printSection(withFindings);
      }
      console.log(`(${name}: ${((performance.now() - began) / 1000).toFixed(0)} s)`);
    } catch (error) {
      failures.push({ name, error });
      console.error(`suite ${name} failed: ${error.stack ?? error}`);
    }
  }
} finally {
  await stopKafka();
}

if (out && sections.length > 0) {
  writeFileSync(out, await report());
  console.log(`\nwrote ${relative(process.cwd(), out)}`);
}
if (failures.length > 0) {
  console.error(`\n${failures.length} suite(s) failed: ${failures.map((failure) => failure.name).join(', ')}`);
  process.exit(1);
}

/** The paragraphs of bench/findings/<name>.md (none when the section names no findings). */
function findings(name) {
  if (name === undefined) return [];
  const file = join(root, 'bench/findings', `${name}.md`);
  if (!existsSync(file)) throw new Error(`the section names findings that do not exist: ${relative(root, file)}`);
  return readFileSync(file, 'utf8')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
}

function rank(name) {
  const index = SUITE_ORDER.indexOf(name);
  return index < 0 ? SUITE_ORDER.length : index;
}

function checkSection(name, section) {
  const problems = [];
  if (typeof section?.section !== 'string') problems.push('section must be a heading (string)');
  if (!Array.isArray(section?.columns)) problems.push('columns must be an array');
  if (!Array.isArray(section?.rows) || section.rows.some((row) => !Array.isArray(row) || row.length !== section.columns?.length)) {
    problems.push('rows must be arrays as long as columns');
  }
  if (section?.notes !== undefined && !Array.isArray(section.notes)) problems.push('notes must be an array of paragraphs');
  if (section?.findings !== undefined && typeof section.findings !== 'string') problems.push('findings must name a file of bench/findings');
  if (problems.length > 0) throw new Error(`suite ${name} returned a malformed section: ${problems.join('; ')}`);
}

function printSection({ section, columns, rows, notes = [] }) {
  const table = new Table({ head: columns, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map(String));
  console.log(`\n${section}\n${table.toString()}`);
  for (const note of notes) console.log(`  ${note.replace(/\n/g, '\n  ')}`);
}

function markdownTable(columns, rows) {
  const cell = (value) => String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

async function report() {
  const cpu = cpus();
  const loadAtEnd = loadavg();
  // Only the start says whether other work was running: by the end the benchmark's own work is in the average.
  const loaded = loadAtStart[0] > cpu.length * 0.5;
  const versions = LIBRARIES.map((name) => `${name} ${packageVersion(name)}`).join(', ');
  const commandLine =
    `${process.env.npm_lifecycle_event === 'bench' ? 'npm run bench --' : 'node bench/run.mjs'} ${process.argv.slice(2).join(' ')}`.trim();
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`bench/run.mjs\` on ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}; every figure below comes from this one run.`,
    '',
    `- **Command:** \`${commandLine}\``,
    `- **Machine:** ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory; ${type()} ${release()}`,
    `- **Load average** (1 min) at start ${loadAtStart[0].toFixed(2)}, at end ${loadAtEnd[0].toFixed(2)} (the end includes the benchmark's own work)${loaded ? ' — at the start the machine was busy with other work, so absolute figures are low and noisy; the ratios, measured in interleaved rounds, are the steadier figures' : ''}`,
    `- **Node.js** ${process.version}; **PostgreSQL** ${await postgresVersion()} at ${databaseUrl().replace(/:[^:@/]*@/, ':***@')}; **Kafka** ${kafkaVersion()} at ${process.env.KAFKA_BROKERS}`,
    `- **Libraries:** ${versions}`,
    ...(process.env.BENCH_NOTE ? [`- **Note:** ${process.env.BENCH_NOTE}`] : []),
    ...(failures.length > 0
      ? [
          `- **Failed suites:** ${failures.map((failure) => `${failure.name} (${String(failure.error.message ?? failure.error).split('\n')[0]})`).join('; ')}`,
        ]
      : []),
    '',
  ];
  for (const { section, columns, rows, notes = [] } of sections) {
    lines.push(`## ${section}`, '', markdownTable(columns, rows), '', ...notes.flatMap((note) => [note, '']));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

async function postgresVersion() {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: databaseUrl() });
  try {
    await client.connect();
    const { rows } = await client.query('SHOW server_version');
    return rows[0].server_version;
  } catch (error) {
    return `unknown (${error.message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function kafkaVersion() {
  const pom = readFileSync(join(root, 'scripts/kafka/pom.xml'), 'utf8');
  const version = pom.match(/<kafka\.version>([^<]+)<\/kafka\.version>/)?.[1];
  return version ? `${version} (the broker of scripts/kafka)` : 'unknown';
}
