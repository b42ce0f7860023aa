#!/usr/bin/env node
// The floor of a write over HTTP on this machine: a bare `node:http` server
// that reads a request's body, JSON.parses it and INSERTs one row per request
// into a plain table of its own schema (synchronous_commit on: the answer
// waits for the WAL flush), then answers 201 with a tiny JSON. No framework,
// no routing beyond GET-for-readiness, no validation, no log.
//
//   PORT=3201 BENCH_SCHEMA=bench_http_bare_x node bench/servers/bare-http.mjs
//
// The append suite (bench/suites/append-http.mjs) starts it and loads it with
// the same requests as the service's own HTTP row.
import { createServer } from 'node:http';
import { databaseUrl, require } from '../lib/environment.mjs';

/** The service's own pool size (libs/event-store), as every contender of the append suites. */
const POOL_SIZE = 10;

const schema = process.env.BENCH_SCHEMA;
if (!/^bench_[a-z0-9_]+$/.test(schema ?? '')) throw new Error(`BENCH_SCHEMA must be a bench_ schema, not "${schema}"`);
const pg = require('pg');
const pool = new pg.Pool({
  connectionString: databaseUrl(),
  max: POOL_SIZE,
  options: `-c search_path=${schema} -c synchronous_commit=on`,
});
await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
await pool.query(`CREATE TABLE IF NOT EXISTS ${schema}.requests (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, path text NOT NULL, body jsonb NOT NULL)`);

const answer = (response, status, body) => {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
};

const server = createServer((request, response) => {
  if (request.method === 'GET') return answer(response, 200, { status: 'ok' });
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(response, 400, { error: 'not JSON' });
    }
    pool.query('INSERT INTO requests (path, body) VALUES ($1, $2) RETURNING position', [request.url, body]).then(
      ({ rows }) => answer(response, 201, { position: rows[0].position }),
      (error) => answer(response, 500, { error: error.message }),
    );
  });
});
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');

const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
