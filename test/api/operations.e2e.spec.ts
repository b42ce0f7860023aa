import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serviceAuthEnv, writeHeaders } from '../support/auth';
import { connectSse } from '../support/sse';
import { startTestApp, TestApp } from '../support/test-app';

const SOURCE = { title: 'Operations test', publisher: 'Tests' };

async function listen(t: TestApp): Promise<{ base: string; port: number }> {
  await t.app.listen(0, '127.0.0.1');
  const port = (t.app.getHttpServer().address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, port };
}

async function recordCommitment(base: string): Promise<{ id: string; position: string }> {
  const id = randomUUID();
  const response = await fetch(`${base}/v1/commitments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...writeHeaders() },
    body: JSON.stringify({
      id,
      kind: 'loan',
      title: 'Metered loan',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      effectiveAt: '2021-09-09',
      terms: { amount: '1000', currency: 'USD' },
      source: SOURCE,
    }),
  });
  expect(response.status).toBe(201);
  return { id, position: ((await response.json()) as { position: string }).position };
}

/** One sample of the Prometheus text format, by metric name and labels. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1], label[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) return value;
    await new Promise((done) => setTimeout(done, 200));
  }
}

describe('operations: metrics and readiness', () => {
  describe('on PostgreSQL with the relay and projector on Kafka', () => {
    let t: TestApp;
    let base: string;
    let port: number;
    beforeAll(async () => {
      t = await startTestApp({ backend: 'postgres', kafka: true, env: serviceAuthEnv() });
      ({ base, port } = await listen(t));
    });
    afterAll(() => t.close());

    it('exposes appends, HTTP durations, subscribers, relay lag and projector lag per partition', async () => {
      const { id, position } = await recordCommitment(base);
      expect((await fetch(`${base}/v1/commitments/${id}?minPosition=${position}`)).status).toBe(200);
      const subscriber = connectSse(port, '/v1/events/stream');
      await subscriber.response;

      const scrape = await fetch(`${base}/metrics`);
      expect(scrape.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
      const text = await eventually(
        () => fetch(`${base}/metrics`).then((response) => response.text()),
        (body) => sample(body, 'timeline_relay_lag_events') === 0 && sample(body, 'timeline_sse_subscribers') === 1,
      );
      subscriber.close();
      expect(sample(text, 'timeline_appends_total', { stream_type: 'commitment', outcome: 'ok' })).toBe(1);
      expect(sample(text, 'timeline_appended_events_total', { stream_type: 'commitment' })).toBe(1);
      expect(sample(text, 'timeline_append_duration_seconds_count', { outcome: 'ok' })).toBe(1);
      expect(
        sample(text, 'timeline_http_request_duration_seconds_count', { method: 'POST', route: '/v1/commitments', status_code: '201' }),
      ).toBe(1);
      expect(
        sample(text, 'timeline_http_request_duration_seconds_count', { method: 'GET', route: '/v1/commitments/:id', status_code: '200' }),
      ).toBe(1);
      expect(sample(text, 'timeline_sse_subscribers')).toBe(1);
      expect(sample(text, 'timeline_relay_lag_events')).toBe(0);
      for (const partition of ['0', '1', '2']) expect(sample(text, 'timeline_projector_lag_records', { partition })).toBe(0);
      expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    });

    it('is ready when PostgreSQL, Kafka, the relay and the projector are', async () => {
      const response = await fetch(`${base}/health/ready`);
      const body = (await response.json()) as { status: string; details: Record<string, { status: string } & Record<string, unknown>> };
      expect(response.status).toBe(200);
      expect(Object.fromEntries(Object.entries(body.details).map(([name, check]) => [name, check.status]))).toEqual({
        process: 'up',
        database: 'up',
        kafka: 'up',
        log: 'up',
        projector: 'up',
        deadLetters: 'up',
      });
      expect(body.details.projector).toMatchObject({ lag: 0, maxLag: 10_000 });
    });
  });

  describe('with no projector running and READY_MAX_PROJECTOR_LAG=0', () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp({
        backend: 'postgres',
        kafka: true,
        env: { ...serviceAuthEnv(), TIMELINE_ROLES: 'api,relay', READY_MAX_PROJECTOR_LAG: '0' },
      });
      ({ base } = await listen(t));
    });
    afterAll(() => t.close());

    it('is not ready once the read models fall behind the log, and says by how much', async () => {
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      await recordCommitment(base);
      const response = await eventually(
        () => fetch(`${base}/health/ready`),
        (answer) => answer.status === 503,
      );
      expect(response.status).toBe(503);
      const body = (await response.json()) as { details: { projector: { status: string; lag: number; message: string } } };
      expect(body.details.projector).toMatchObject({ status: 'down', lag: 1, message: 'read models are 1 records behind the log' });
    });
  });

  describe('on the embedded store', () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp({ backend: 'pglite', env: serviceAuthEnv() });
      ({ base } = await listen(t));
    });
    afterAll(() => t.close());

    it('reports the projector lag on the events table (partition -1) and no relay', async () => {
      const { id, position } = await recordCommitment(base);
      expect((await fetch(`${base}/v1/commitments/${id}?minPosition=${position}`)).status).toBe(200);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(sample(text, 'timeline_projector_lag_records', { partition: '-1' })).toBe(0);
      expect(sample(text, 'timeline_relay_lag_events')).toBeUndefined();
      expect(sample(text, 'timeline_appends_total', { stream_type: 'commitment', outcome: 'ok' })).toBe(1);
      const ready = (await (await fetch(`${base}/health/ready`)).json()) as { details: Record<string, { status: string }> };
      expect(ready.details.kafka.status).toBe('up');
      expect(ready.details.projector.status).toBe('up');
    });
  });
});
