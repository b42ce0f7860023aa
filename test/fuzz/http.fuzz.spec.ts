import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import { startTestApp, TestApp } from '../support/test-app';
import { Answer, closeAgent, Credential, HostileRequest, hostileRequests, OpenApiDocument, operationsOf, send } from './hostile-requests';

/**
 * The fuzz job: generated malformed bodies, query strings, headers and raw
 * bytes against every documented endpoint of the real service, with keys of
 * every role and without. Every answer must be 2xx (304 to If-None-Match) or
 * a 4xx problem document, never a 5xx and never silence; and a request that
 * is refused stores nothing.
 *
 * FUZZ_RUNS overrides the number of requests; a failure prints the seed and
 * path to replay it with FUZZ_SEED and FUZZ_PATH.
 */
const RUNS = {
  postgres: Number(process.env.FUZZ_RUNS ?? 10_000),
  pglite: Number(process.env.FUZZ_RUNS ?? 2_000),
};
const TIMEOUT_MS = 15_000;
/** A job that cannot finish its requests in this time fails, rather than passing on fewer. */
const TIME_BUDGET_MS = 240_000;

describe.each([
  { backend: 'postgres' as const, kafka: true },
  { backend: 'pglite' as const, kafka: false },
])('hostile requests against the service on $backend (kafka: $kafka)', ({ backend, kafka }) => {
  let t: TestApp;
  let port: number;
  const authorization = new Map<Credential, string | undefined>();
  const knownIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ backend, kafka });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;

    const revoked = await t.createKey('editor', 'fuzz-revoked');
    await t
      .http()
      .delete(`/v1/keys/${revoked.slice(4, 20)}`)
      .expect(200);
    authorization.set('admin', `Bearer ${t.adminKey}`);
    authorization.set('editor', `Bearer ${await t.createKey('editor', 'fuzz-editor')}`);
    authorization.set('reader', `Bearer ${await t.createKey('reader', 'fuzz-reader')}`);
    authorization.set('revoked', `Bearer ${revoked}`);
    authorization.set('none', undefined);
    authorization.set('garbage', 'Bearer ntk_zz');
    // A spare key whose id the fuzzer may find and revoke, and some of everything, so that paths can name things that exist.
    knownIds.push((await t.createKey('reader', 'fuzz-spare')).slice(4, 20));
    knownIds.push(...(await fixtures(t)));
  }, 120_000);

  afterAll(async () => {
    closeAgent();
    await t.close();
  });

  it(
    `answers ${RUNS[backend]} generated requests with 2xx or a 4xx problem document, and stores nothing it refuses`,
    async () => {
      const document = (await t.anonymous().get('/openapi.json').expect(200)).body as OpenApiDocument;
      const operations = operationsOf(document);
      expectEveryRouteDocumented(
        t,
        operations.map((operation) => `${operation.method} ${operation.path}`),
      );

      const statuses = new Map<number, number>();
      const slowest = new Map<string, number>();
      let before = await snapshot(t);
      const property = fc.asyncProperty(hostileRequests(operations, knownIds), async (request) => {
        const started = Date.now();
        const answer = await send(port, request, authorization.get(request.credential), TIMEOUT_MS).catch((error: Error) => {
          throw new Error(`${error.message}\n${explain(request, { status: 0, headers: {}, body: '' })}`);
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const took = Date.now() - started;
        slowest.set(request.operation, (slowest.get(request.operation) ?? 0) + took);
        const after = await snapshot(t);
        const stored = after !== before;
        before = after;
        const problem = judge(request, answer, stored);
        if (problem) throw new Error(`${problem}\n${explain(request, answer)}`);
      });

      const runs = RUNS[backend];
      const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x100000000);
      const result = await fc.check(property, {
        numRuns: runs,
        seed,
        ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
        endOnFailure: false,
        // Shrinking re-sends requests; a few hundred steps find a small case without running for ever.
        maxSkipsPerRun: 0,
        interruptAfterTimeLimit: TIME_BUDGET_MS,
      });
      if (result.failed) {
        throw new Error(
          `the fuzz job failed after ${result.numRuns} requests on ${backend}.\n` +
            `Replay: FUZZ_SEED=${result.seed} FUZZ_PATH=${result.counterexamplePath} npm run test:fuzz\n` +
            `${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`,
        );
      }
      if (result.interrupted)
        throw new Error(
          `the fuzz job ran out of its ${TIME_BUDGET_MS / 1000} s budget after ${result.numRuns} of ${runs} requests (seed ${seed})`,
        );
      expect(result.numRuns).toBe(runs);
      // The job must reach the handlers, not just the doors: some of each kind of answer.
      const count = (test: (status: number) => boolean) =>
        [...statuses].filter(([status]) => test(status)).reduce((sum, [, n]) => sum + n, 0);
      const busiest = [...slowest]
        .sort(([, a], [, b]) => b - a)
        .slice(0, 5)
        .map(([operation, ms]) => `${operation} ${(ms / 1000).toFixed(1)} s`);
      console.log(
        `fuzz on ${backend}: ${runs} requests, seed ${seed}, answers ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; ` +
          `most time in ${busiest.join(', ')}`,
      );
      expect(count((status) => status >= 200 && status < 300)).toBeGreaterThan(runs * 0.02);
      expect(count((status) => status === 400)).toBeGreaterThan(runs * 0.1);
      expect(count((status) => status === 401)).toBeGreaterThan(0);
      expect(count((status) => status === 403)).toBeGreaterThan(0);
    },
    TIME_BUDGET_MS + 60_000,
  );
});

/** What is wrong with this answer, if anything. */
function judge(request: HostileRequest, answer: Answer, stored: boolean): string | undefined {
  const { status } = answer;
  if (request.raw !== undefined && status === 0 && request.raw.trim() === '') return undefined;
  const success = (status >= 200 && status < 300) || (status === 304 && request.headers['if-none-match'] !== undefined);
  if (stored && !success) return `a ${status} answer, yet something was stored`;
  if (stored && request.method !== 'POST' && request.method !== 'DELETE') return `a ${request.method} stored something`;
  if (success) return undefined;
  if (status < 400 || status >= 500) return `answered ${status}: only 2xx and 4xx are allowed`;
  if (request.method === 'HEAD') return undefined;
  if (!String(answer.headers['content-type']).startsWith('application/problem+json')) return `a ${status} without a problem document`;
  let body: { status?: unknown; type?: unknown; title?: unknown; detail?: unknown };
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `a ${status} problem document that is not JSON`;
  }
  if (body.status !== status || typeof body.type !== 'string' || typeof body.title !== 'string' || typeof body.detail !== 'string') {
    return `a ${status} problem document without status, type, title and detail`;
  }
  if (status === 429 && answer.headers['retry-after'] === undefined) return 'a 429 without Retry-After';
  return undefined;
}

function explain(request: HostileRequest, answer: Answer): string {
  const clip = (text: string | undefined) => (text && text.length > 600 ? `${text.slice(0, 600)}… (${text.length} characters)` : text);
  return JSON.stringify(
    {
      request: { ...request, body: clip(request.body), raw: clip(request.raw) },
      answer: { status: answer.status, contentType: answer.headers['content-type'], body: clip(answer.body) },
    },
    null,
    2,
  );
}

/** Everything a request could store: the log, idempotent answers and keys (not when a key was last used). */
async function snapshot(t: TestApp): Promise<string> {
  const { rows } = await t.runtime.db.pool.query<{ state: string }>(`
    SELECT concat_ws(' ',
      (SELECT coalesce(max(position), 0) FROM events),
      (SELECT count(*) FROM events),
      (SELECT count(*) FROM idempotency_keys),
      (SELECT md5(coalesce(string_agg(concat_ws(':', id, owner, role, revoked_at), ',' ORDER BY id), '')) FROM api_keys)
    ) AS state`);
  return rows[0].state;
}

/** Routes served by Express that the OpenAPI document leaves out would escape the fuzzer: there must be none. */
function expectEveryRouteDocumented(t: TestApp, documented: string[]): void {
  const express = t.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  const served = express.router.stack
    .filter((layer) => layer.route)
    .flatMap((layer) =>
      Object.keys(layer.route!.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`),
    )
    // Nest's catch-all that answers 404 for every other path, and the document itself.
    .filter((route) => route !== 'GET /openapi.json' && !route.endsWith(' /{*path}'));
  expect(served.length).toBeGreaterThan(20);
  expect(served.filter((route) => !documented.includes(route))).toEqual([]);
}

/** One of each kind of thing, made through the API; their ids feed the fuzzer's paths. */
async function fixtures(t: TestApp): Promise<string[]> {
  const source = { title: 'Fuzz fixture', publisher: 'Test Wire' };
  const write = async (path: string, body: object) => {
    const response = await t
      .http()
      .post(path)
      .send({ effectiveAt: '2021-09-09', source, ...body });
    if (response.status >= 300) throw new Error(`fixture ${path} refused: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const ids: string[] = [];
  await write('/v1/parties', { partyId: 'BY', name: 'Belarus', kind: 'state' });
  await write('/v1/parties', { partyId: 'RU', name: 'Russia', kind: 'state' });
  const loan = await write('/v1/commitments', {
    kind: 'loan',
    title: 'State loan',
    by: 'RU',
    to: 'BY',
    status: 'pledged',
    terms: { amount: '630000000', currency: 'USD' },
  });
  ids.push(loan.id, ...loan.eventIds);
  const track = await write('/v1/tracks', {
    title: 'Monetary policy',
    area: 'monetary policy',
    kind: 'program',
    parties: ['BY', 'RU'],
    status: 'proposed',
  });
  ids.push(track.id);
  const deployment = await write('/v1/deployments', { asset: 'Su-30SM', place: 'Baranovichi', host: 'BY', by: 'RU' });
  ids.push(deployment.id);
  const occurrence = await write('/v1/occurrences', { kind: 'meeting', title: 'Summit', parties: ['BY', 'RU'] });
  ids.push(occurrence.id, ...occurrence.eventIds);
  const schemas = (await t.http().get('/v1/schemas').expect(200)).body as { items?: { type: string }[] } | { type: string }[];
  const types = Array.isArray(schemas) ? schemas : (schemas.items ?? []);
  ids.push(...types.map((schema) => schema.type).slice(0, 5), 'BY', 'RU');
  return ids.filter(Boolean);
}
