#!/usr/bin/env node
// Emmett's HTTP API for the same commitment commands: an Express application
// set up the way @event-driven-io/emmett-expressjs sets one up
// (`getApplication`: express.json(), express.urlencoded(), the routes, a
// problem-details error handler; `on(handler)` routes whose handler returns
// `Created(...)` or `NoContent(...)`), over Emmett's `CommandHandler` with
// our pure commitment decider and Emmett's PostgreSQL event store in a
// schema of its own. emmett-expressjs itself is not installed (only
// @event-driven-io/emmett and emmett-postgresql are), so its few helpers are
// rewritten below after its source (event-driven-io/emmett on GitHub); the
// command handling and the store are Emmett's own packages, 0.42.0.
//
//   PORT=3202 BENCH_SCHEMA=bench_http_emmett_x node bench/servers/emmett-http.mjs
//
// The requests are the service's own (bench/lib/workload.mjs, httpRequest);
// like Emmett's samples, a handler checks the route's id and takes the body
// as it comes, without the DTO validation the service does.
import { v7 as uuidv7 } from 'uuid';
import { built, databaseUrl, require } from '../lib/environment.mjs';

/** The service's own pool size (libs/event-store), as every contender of the append suites. */
const POOL_SIZE = 10;

const schema = process.env.BENCH_SCHEMA;
if (!/^bench_[a-z0-9_]+$/.test(schema ?? '')) throw new Error(`BENCH_SCHEMA must be a bench_ schema, not "${schema}"`);
const express = require('express');
const pg = require('pg');
const { getPostgreSQLEventStore } = require('@event-driven-io/emmett-postgresql');
const { CommandHandler, assertNotEmptyString } = require('@event-driven-io/emmett');
const { commitmentDecider } = built('libs/domain/src/index.js');

const admin = new pg.Client({ connectionString: databaseUrl() });
await admin.connect();
await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
await admin.end();
const pool = new pg.Pool({ connectionString: databaseUrl(), max: POOL_SIZE, options: `-c search_path=${schema}` });
const eventStore = getPostgreSQLEventStore(databaseUrl(), { connectionOptions: { pool } });
await eventStore.schema.migrate();
const handle = CommandHandler({ evolve: commitmentDecider.evolve, initialState: commitmentDecider.initialState });

// After emmett-expressjs's src/handler.ts and src/responses.ts, reduced to what the routes use.
const on = (handler) => async (request, response) => (await handler(request))(response);
const send = (response, statusCode, { location, body, eTag } = {}) => {
  if (eTag) response.setHeader('ETag', eTag);
  if (location) response.setHeader('Location', location);
  if (body) {
    response.statusCode = statusCode;
    response.send(body);
  } else {
    response.sendStatus(statusCode);
  }
};
const Created =
  ({ createdId, eTag }) =>
  (response) =>
    send(response, 201, { location: `${response.req.url}/${createdId}`, body: { id: createdId }, eTag });
const NoContent =
  ({ eTag }) =>
  (response) =>
    send(response, 204, { eTag });
const toWeakETag = (version) => `W/"${version}"`;
const problemDetails = (error, _request, response, _next) => {
  const status = Number.isInteger(error?.errorCode) && error.errorCode >= 100 && error.errorCode < 600 ? error.errorCode : 500;
  response.setHeader('Content-Type', 'application/problem+json');
  response.statusCode = status;
  response.json({ title: 'Error', status, detail: error instanceof Error ? error.message : String(error) });
};

/** Runs the decider on the stream's state; each event carries the request's fact as Emmett metadata. */
const decide = (commitmentId, command, fact) =>
  handle(eventStore, `commitment-${commitmentId}`, (state) =>
    commitmentDecider.decide(command, state).map((event) => ({
      type: event.type,
      data: event.data,
      metadata: { ...fact, actor: 'bench', correlationId: uuidv7() },
    })),
  );
const factOf = (body) => ({ effectiveAt: body.effectiveAt, source: body.source, confidence: body.confidence });

const commitmentsApi = (router) => {
  router.post(
    '/v1/commitments',
    on(async (request) => {
      const { body } = request;
      const commitmentId = assertNotEmptyString(body.id);
      const { kind, title, by, to, status, terms } = body;
      const result = await decide(
        commitmentId,
        { type: 'RecordCommitment', data: { commitmentId, kind, title, by, to, status, terms } },
        factOf(body),
      );
      return Created({ createdId: commitmentId, eTag: toWeakETag(result.nextExpectedStreamVersion) });
    }),
  );
  router.post(
    '/v1/commitments/:id/disbursements',
    on(async (request) => {
      const commitmentId = assertNotEmptyString(request.params.id);
      const { body } = request;
      const result = await decide(
        commitmentId,
        { type: 'RecordDisbursement', data: { commitmentId, amount: body.amount, currency: body.currency } },
        factOf(body),
      );
      return NoContent({ eTag: toWeakETag(result.nextExpectedStreamVersion) });
    }),
  );
  router.post(
    '/v1/commitments/:id/amendments',
    on(async (request) => {
      const commitmentId = assertNotEmptyString(request.params.id);
      const { body } = request;
      const result = await decide(
        commitmentId,
        { type: 'AmendCommitmentTerms', data: { commitmentId, changes: body.terms, reason: body.reason } },
        factOf(body),
      );
      return NoContent({ eTag: toWeakETag(result.nextExpectedStreamVersion) });
    }),
  );
  router.get('/health', (_request, response) => send(response, 200, { body: { status: 'ok' } }));
};

// getApplication({ apis: [commitmentsApi] }) of emmett-expressjs.
const application = express();
application.use(express.json());
application.use(express.urlencoded({ extended: true }));
const router = express.Router();
commitmentsApi(router);
application.use(router);
application.use(problemDetails);

const server = application.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
const stop = () =>
  server.close(async () => {
    await eventStore.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    process.exit(0);
  });
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
