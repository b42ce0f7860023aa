import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';

const source = { title: 'Made-up test source: Belarus–Russia integration talks', publisher: 'Test Wire (made up)' };
const party = (partyId: string) => ({ partyId, name: `Party ${partyId}`, kind: 'state', effectiveAt: '1991-12-25', source });

function expectProblem(response: request.Response, status: number, field?: string) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
    code: expect.any(String),
  });
  if (field) expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
}

describe.each(['postgres' as const, 'pglite' as const])('keys and roles on %s', (backend) => {
  let t: TestApp;
  let reader: string;
  let editor: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await startTestApp({ backend });
    reader = await t.createKey('reader', 'Rita Reader');
    editor = await t.createKey('editor', 'Jane Analyst');
  });
  afterAll(() => t.close());

  it('answers 401 with a problem document and WWW-Authenticate without a valid key, and stores nothing', async () => {
    const head = await t.runtime.store.headPosition();
    const missing = await t.anonymous().get('/v1/parties');
    expectProblem(missing, 401, 'Authorization');
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expectProblem(await t.anonymous().post('/v1/parties').send(party('AA')), 401, 'Authorization');
    expectProblem(
      await t
        .anonymous()
        .post('/v1/parties')
        .set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`)
        .send(party('AA')),
      401,
    );
    expectProblem(
      await t
        .anonymous()
        .post('/v1/parties')
        .set('Authorization', 'Bearer ntk_0123456789abcdef_' + 'A'.repeat(43))
        .send(party('AA')),
      401,
    );
    // A known id with a wrong secret is refused like an unknown key.
    expectProblem(
      await t
        .anonymous()
        .post('/v1/parties')
        .set('Authorization', `Bearer ${editor.slice(0, 21)}${'B'.repeat(43)}`)
        .send(party('AA')),
      401,
    );
    expectProblem(await t.anonymous().get('/v1/events/stream'), 401);
    expect(await t.runtime.store.headPosition()).toBe(head);
  });

  it('lets a reader read but not write (403), an editor write but not manage keys (403), an admin do all', async () => {
    await t.anonymous().get('/v1/parties').set(as(reader)).expect(200);
    const refused = await t.anonymous().post('/v1/parties').set(as(reader)).send(party('AB'));
    expectProblem(refused, 403, 'Authorization');
    expect(refused.body.detail).toMatch(/role reader .* needs role editor/);

    await t.anonymous().post('/v1/parties').set(as(editor)).send(party('AB')).expect(201);
    expectProblem(await t.anonymous().get('/v1/keys').set(as(editor)), 403);
    expectProblem(await t.anonymous().post('/v1/admin/rebuild').set(as(editor)), 403);
    expectProblem(await t.anonymous().post('/v1/keys').set(as(reader)).send({ owner: 'x', role: 'admin' }), 403);
    await t.http().get('/v1/keys').expect(200);
  });

  it('records the key owner as the actor of every event written with the key', async () => {
    const created = await t.anonymous().post('/v1/parties').set(as(editor)).send(party('AC')).expect(201);
    const [event] = await t.runtime.store.readStream('party-AC');
    expect(event.actor).toBe('Jane Analyst');
    const audit = await t
      .anonymous()
      .get('/v1/audit')
      .set(as(reader))
      .query({ actor: 'Jane Analyst', minPosition: created.body.position })
      .expect(200);
    expect(audit.body.items.map((item: { actor: string }) => item.actor)).toContain('Jane Analyst');
  });

  it('keeps health checks and the OpenAPI document open', async () => {
    await t.anonymous().get('/health/live').expect(200);
    await t.anonymous().get('/health/ready').expect(200);
    const openapi = await t.anonymous().get('/openapi.json').expect(200);
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/v1/keys', '/v1/keys/{id}']));
    expect(openapi.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('makes, lists and revokes keys over the admin API; a revoked key stops working at once', async () => {
    const made = await t.http().post('/v1/keys').send({ owner: 'Temporary Editor', role: 'editor' }).expect(201);
    expect(made.headers['cache-control']).toBe('no-store');
    expect(made.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      owner: 'Temporary Editor',
      role: 'editor',
      createdBy: 'test-admin',
      revokedAt: null,
    });
    expect(made.body.key).toMatch(new RegExp(`^ntk_${made.body.id}_[A-Za-z0-9_-]{43}$`));
    await t.anonymous().post('/v1/parties').set(as(made.body.key)).send(party('AD')).expect(201);

    const listed = await t.http().get('/v1/keys').expect(200);
    const entry = listed.body.items.find((item: { id: string }) => item.id === made.body.id);
    expect(entry).toMatchObject({ owner: 'Temporary Editor', role: 'editor', lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(made.body.key.slice(21));
    expect(entry).not.toHaveProperty('key');
    const { rows } = await t.runtime.db.pool.query('SELECT * FROM api_keys WHERE id = $1', [made.body.id]);
    expect(JSON.stringify(rows)).not.toContain(made.body.key.slice(21));

    const revoked = await t.http().delete(`/v1/keys/${made.body.id}`).expect(200);
    expect(revoked.body).toMatchObject({ id: made.body.id, revokedAt: expect.any(String), revokedBy: 'test-admin' });
    expectProblem(await t.anonymous().post('/v1/parties').set(as(made.body.key)).send(party('AE')), 401);
    expectProblem(await t.anonymous().get('/v1/parties').set(as(made.body.key)), 401);
    // Revoking again changes nothing.
    const again = await t.http().delete(`/v1/keys/${made.body.id}`).expect(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('refuses bad key requests by name', async () => {
    expectProblem(await t.http().post('/v1/keys').send({ owner: 'x', role: 'root' }), 400, 'role');
    expectProblem(await t.http().post('/v1/keys').send({ owner: 'anonymous', role: 'reader' }), 400, 'owner');
    expectProblem(await t.http().post('/v1/keys').send({ owner: 'seed:belarus', role: 'editor' }), 400, 'owner');
    expectProblem(await t.http().post('/v1/keys').send({ owner: 'x', role: 'reader', key: 'chosen' }), 400, 'key');
    expectProblem(await t.http().delete('/v1/keys/0123456789abcdef'), 404, 'id');
    expectProblem(await t.http().delete('/v1/keys/not-a-key'), 400, 'id');
  });
});

describe('anonymous reads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ backend: 'pglite', env: { TIMELINE_ANONYMOUS_READS: 'true' } });
  });
  afterAll(() => t.close());

  it('answers reads without a key, still refuses writes and admin reads without one, and refuses a bad key', async () => {
    await t.anonymous().get('/v1/parties').expect(200);
    await t.anonymous().get('/v1/schemas').expect(200);
    expectProblem(await t.anonymous().post('/v1/parties').send(party('BA')), 401);
    expectProblem(await t.anonymous().get('/v1/keys'), 401);
    expectProblem(await t.anonymous().get('/v1/parties').set('Authorization', 'Bearer not-a-key-at-all'), 401);
  });
});

describe('the bootstrap admin key', () => {
  let t: TestApp;
  const bootstrap = 'bootstrap-admin-key-0123456789';
  beforeAll(async () => {
    t = await startTestApp({ backend: 'pglite', env: { TIMELINE_BOOTSTRAP_ADMIN_KEY: bootstrap } });
  });
  afterAll(() => t.close());

  it('is accepted as an admin key, which can make the first stored keys', async () => {
    const made = await t
      .anonymous()
      .post('/v1/keys')
      .set('Authorization', `Bearer ${bootstrap}`)
      .send({ owner: 'First Admin', role: 'admin' })
      .expect(201);
    expect(made.body.createdBy).toBe('bootstrap-admin');
    await t.anonymous().post('/v1/parties').set('Authorization', `Bearer ${made.body.key}`).send(party('CA')).expect(201);
    expect((await t.runtime.store.readStream('party-CA'))[0].actor).toBe('First Admin');
  });
});

describe('rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ backend: 'pglite', env: { TIMELINE_RATE_LIMIT: '5', TIMELINE_RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After once a key has used its budget; other keys and health checks are not held back', async () => {
    for (let i = 0; i < 5; i++) {
      const ok = await t.http().get('/v1/parties').expect(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(4 - i));
    }
    const limited = await t.http().get('/v1/parties');
    expectProblem(limited, 429);
    expect(limited.body.code).toBe('too_many_requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Writes share the key's budget.
    expectProblem(await t.http().post('/v1/parties').send(party('DA')), 429);

    const other = await t.createKey('reader');
    await t.anonymous().get('/v1/parties').set('Authorization', `Bearer ${other}`).expect(200);
    for (let i = 0; i < 10; i++) await t.anonymous().get('/health/live').expect(200);
  });
});

describe('CORS and request limits', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ backend: 'pglite', env: { TIMELINE_CORS_ORIGINS: 'https://analyst.example.org, http://localhost:5173' } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  it('answers preflights and reads for configured origins only', async () => {
    const preflight = await t
      .anonymous()
      .options('/v1/parties')
      .set('Origin', 'https://analyst.example.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://analyst.example.org');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();

    const read = await t.http().get('/v1/parties').set('Origin', 'http://localhost:5173').expect(200);
    expect(read.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(read.headers['access-control-expose-headers']).toMatch(/ETag/);

    const stranger = await t.http().get('/v1/parties').set('Origin', 'https://elsewhere.example.com').expect(200);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses an over-long URL (414), too many query parameters (400) and over-large headers (431) with problem documents', async () => {
    expectProblem(await t.http().get(`/v1/timeline?q=${'a'.repeat(9000)}`), 414, 'url');
    const many = Array.from({ length: 60 }, (_, i) => `p${i}=1`).join('&');
    expectProblem(await t.http().get(`/v1/timeline?${many}`), 400, 'query');

    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(text));
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    const huge = await raw(`GET /v1/parties HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toMatch(/Content-Type: application\/problem\+json/);
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431, code: 'headers_too_large' });
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, code: 'malformed_http' });
  });
});

describe('no CORS by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ backend: 'pglite' });
  });
  afterAll(() => t.close());

  it('sends no CORS headers when no origin is configured', async () => {
    const read = await t.http().get('/v1/parties').set('Origin', 'https://analyst.example.org').expect(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('query strings and text', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ backend: 'pglite' });
  });
  afterAll(() => t.close());

  it('refuses a parameter given twice, naming it (found by the fuzz job: it was a 500)', async () => {
    const response = await t.http().get('/v1/timeline?from=2021-10-01T12:00:00Z&from=0');
    expectProblem(response, 400, 'from');
    expect(response.body.errors[0].message).toMatch(/comma-separated/);
    await t.http().get('/v1/commitments?status=pledged,requested').expect(200);
  });

  it('refuses text PostgreSQL cannot store, naming where it is, and stores nothing (found by the fuzz job: it was a 500)', async () => {
    const head = await t.runtime.store.headPosition();
    const lone = await t
      .http()
      .post('/v1/parties')
      .send({ ...party('EA'), name: 'Bela\ud800rus' });
    expectProblem(lone, 400, 'name');
    const nul = await t
      .http()
      .post('/v1/parties')
      .send({ ...party('EA'), source: { title: 'x', publisher: 'Wire\u0000' } });
    expectProblem(nul, 400, 'source.publisher');
    expectProblem(await t.http().get('/v1/timeline?q=a%00b'), 400, 'q');
    expect(await t.runtime.store.headPosition()).toBe(head);
    await t
      .http()
      .post('/v1/parties')
      .send({ ...party('EA'), name: 'Беларусь 😀' })
      .expect(201);
  });
});
