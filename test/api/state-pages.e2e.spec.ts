import { startTestApp, TestApp } from '../support/test-app';
import { STATE_SECTIONS, wholeState } from '../support/state-pages';

// Made-up test data: no real source says this.
const source = { title: 'Made-up test source: state pages', publisher: 'Test Wire (made up)' };

/** GET /v1/state, bounded: per section a total, a first page in id order, and the rest by cursor. */
describe.each([
  { backend: 'postgres' as const, kafka: true },
  { backend: 'pglite' as const, kafka: false },
])('the state in pages on $backend (kafka: $kafka)', ({ backend, kafka }) => {
  let t: TestApp;
  let position = '0';
  const http = () => t.http();
  const get = async (path: string, query: Record<string, string> = {}) =>
    (
      await http()
        .get(path)
        .query({ minPosition: position, ...query })
        .expect(200)
    ).body;
  const write = async (path: string, body: object) => {
    const response = await http()
      .post(path)
      .send({ effectiveAt: '2021-09-09', source, ...body })
      .expect((r) => expect(r.status).toBeLessThan(300));
    position = response.body.position;
    return response.body as { id: string };
  };
  const ids = (items: { [key: string]: unknown }[], field: string) => items.map((item) => String(item[field]));

  beforeAll(async () => {
    t = await startTestApp({ backend, kafka, env: { TIMELINE_ROLES: 'api,relay,projector' } });
    await write('/v1/parties', { partyId: 'BY', name: 'Belarus', kind: 'state' });
    await write('/v1/parties', { partyId: 'RU', name: 'Russia', kind: 'state' });
    for (let i = 0; i < 7; i++) {
      await write('/v1/commitments', {
        kind: 'loan',
        title: `Loan ${i}`,
        by: 'RU',
        // KZ and AM are named by commitments and never registered.
        to: i === 5 ? 'KZ' : i === 6 ? 'AM' : 'BY',
        status: 'pledged',
        terms: { amount: String(1000 + i), currency: 'USD' },
      });
    }
    for (let i = 0; i < 3; i++) {
      await write('/v1/tracks', { title: `Programme ${i}`, area: 'energy', kind: 'program', parties: ['BY', 'RU'], status: 'proposed' });
    }
    for (let i = 0; i < 3; i++) await write('/v1/deployments', { asset: `Unit ${i}`, place: 'Grodno', host: 'BY', by: 'RU' });
  }, 120_000);
  afterAll(() => t.close());

  it('answers totals and a first page per section, and the rest by next, without overlap or gaps', async () => {
    const knownAt = new Date().toISOString();
    const query = { asOf: '2022-01-01', knownAt, limit: '2' };
    const state = await wholeState(get, query);
    expect(Object.fromEntries(STATE_SECTIONS.map((name) => [name, state.first[name].total]))).toEqual({
      parties: 4,
      tracks: 3,
      commitments: 7,
      deployments: 3,
    });
    for (const name of STATE_SECTIONS) expect(state.first[name].items).toHaveLength(2);

    const fields = { parties: 'partyId', tracks: 'trackId', commitments: 'id', deployments: 'deploymentId' } as const;
    for (const name of STATE_SECTIONS) {
      const got = ids(state[name], fields[name]);
      // Pages do not overlap and continue where the last stopped: ids ascend strictly across them.
      expect(new Set(got).size).toBe(got.length);
      expect(got).toEqual([...got].sort());
    }
    expect(ids(state.parties, 'partyId')).toEqual(['AM', 'BY', 'KZ', 'RU']);
    expect(state.parties.filter((party) => party.registered === false).map((party) => party.partyId)).toEqual(['AM', 'KZ']);

    // The same items as the list endpoints, whatever the page size.
    const list = await get('/v1/commitments', { asOf: '2022-01-01', knownAt, limit: '1000' });
    expect(ids(state.commitments, 'id')).toEqual(ids(list.items, 'id'));
    expect(state.commitments).toEqual(list.items);
    for (const [name, path] of [
      ['tracks', '/v1/tracks'],
      ['deployments', '/v1/deployments'],
    ] as const) {
      const all = await get(path, { asOf: '2022-01-01', knownAt });
      expect(ids(state[name], fields[name])).toEqual(ids(all.items, fields[name]).sort());
    }
    const whole = await get('/v1/state', { asOf: '2022-01-01', knownAt, limit: '1000' });
    for (const name of STATE_SECTIONS) {
      expect(whole[name]).toMatchObject({ total: state.first[name].total, nextCursor: null, next: null });
      expect(whole[name].items).toEqual(state[name]);
    }
  });

  it('keeps the time axes of the first page in next, so that later writes do not shift the pages', async () => {
    const first = await get('/v1/state', { asOf: '2022-01-01', limit: '3' });
    expect(first.commitments.next).toContain(`knownAt=${encodeURIComponent(first.knownAt)}`);
    expect(first.commitments.next).toContain('section=commitments');
    await write('/v1/commitments', {
      kind: 'loan',
      title: 'A later loan',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      terms: { amount: '1', currency: 'USD' },
    });
    const url = new URL(first.commitments.next, 'http://host');
    const second = await get(url.pathname, Object.fromEntries(url.searchParams));
    expect(second).toMatchObject({ asOf: first.asOf, knownAt: first.knownAt, section: 'commitments' });
    expect(second.commitments.total).toBe(first.commitments.total);
    expect(Object.keys(second)).not.toContain('tracks');
    // Now (knownAt unpinned) the later loan counts.
    expect((await get('/v1/state', { asOf: '2022-01-01' })).commitments.total).toBe(first.commitments.total + 1);
  });

  it('counts nothing before anything happened', async () => {
    const before = await get('/v1/state', { asOf: '2020-01-01' });
    for (const name of STATE_SECTIONS) expect(before[name]).toEqual({ total: 0, items: [], nextCursor: null, next: null });
    expect(before.uncertain).toBe(false);
  });

  it('pages the reported axis the same way', async () => {
    const reportedBy = new Date().toISOString();
    const state = await wholeState(get, { asOf: '2022-01-01', knownAt: reportedBy, reportedBy, limit: '2' });
    const plain = await wholeState(get, { asOf: '2022-01-01', knownAt: reportedBy, limit: '2' });
    expect(state.first.commitments.next).toContain('reportedBy=');
    for (const name of STATE_SECTIONS) {
      expect(state.first[name].total).toBe(plain.first[name].total);
      expect(state[name].length).toBe(plain[name].length);
    }
    expect(ids(state.commitments, 'id')).toEqual(ids(plain.commitments, 'id'));
    expect(ids(state.tracks, 'trackId')).toEqual(ids(plain.tracks, 'trackId'));
  });

  it('documents its parameters and its answer in OpenAPI', async () => {
    const document = (await http().get('/openapi.json').expect(200)).body;
    const operation = document.paths['/v1/state'].get;
    expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['asOf', 'knownAt', 'reportedBy', 'section', 'cursor', 'limit']),
    );
    expect(operation.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/StateDto' });
    expect(Object.keys(document.components.schemas.StateDto.properties)).toEqual(
      expect.arrayContaining(['asOf', 'knownAt', 'parties', 'tracks', 'commitments', 'deployments', 'uncertain']),
    );
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ section: 'treaties' }, 'section'],
    [{ cursor: 'Qlk' }, 'section'],
    [{ section: 'parties', cursor: '!!' }, 'cursor'],
    [{ section: 'commitments', cursor: 'Qll' }, 'cursor'],
    [{ section: 'tracks', cursor: '__' }, 'cursor'],
  ])('refuses %p with a problem naming %s', async (query, field) => {
    const response = await http().get('/v1/state').query(query);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(new Set(response.body.errors.map((error: { field: string }) => error.field))).toEqual(new Set([field]));
  });
});
