import { startTestApp, TestApp } from '../support/test-app';

// Made-up test data: no real source says this.
const source = { title: 'Made-up test source: several parties', paraphrase: 'a made-up report', publishedAt: '2021-03-01' };
const commitment = (title: string, by: string, to: string, status: string) => ({
  kind: 'loan',
  title,
  by,
  to,
  status,
  terms: { amount: '1000000', currency: 'USD' },
  effectiveAt: '2021-02',
  source,
});

/**
 * `party` takes several codes, comma-separated, wherever it takes one: what is by, to or about
 * any of them, each item once — a commitment between two of the parties asked for is not
 * listed twice, whichever way the list is read (a page, the next page, an export).
 */
describe.each([{ backend: 'postgres' as const }, { backend: 'pglite' as const }])('several parties on $backend', ({ backend }) => {
  let t: TestApp;
  let position = '0';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ backend, env: { TIMELINE_ROLES: 'api,relay,projector' } });
    for (const [key, by, to, status] of [
      ['ru-by', 'RU', 'BY', 'pledged'],
      ['by-ru', 'BY', 'RU', 'requested'],
      ['kz-am', 'KZ', 'AM', 'pledged'],
      ['am-kz', 'AM', 'KZ', 'requested'],
      ['cn-ua', 'CN', 'UA', 'pledged'],
      ['ru-kz', 'RU', 'KZ', 'pledged'],
    ] as const) {
      const response = await t
        .http()
        .post('/v1/commitments')
        .send(commitment(`Several-parties loan: ${key}`, by, to, status));
      if (response.status !== 201) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
      ids[key] = response.body.id;
      position = response.body.position;
    }
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string>) =>
    t
      .http()
      .get(path)
      .query({ minPosition: position, ...query });
  const keysOf = (items: { id?: string; streamId?: string }[]) =>
    items.map((item) => Object.keys(ids).find((key) => ids[key] === item.id || `commitment-${ids[key]}` === item.streamId) ?? '?');
  const paged = async (query: Record<string, string>) => {
    const items: { id: string }[] = [];
    for (let cursor: string | undefined; ;) {
      const { body } = await get('/v1/commitments', { asOf: '2021-12-31', limit: '1', ...(cursor && { cursor }), ...query }).expect(200);
      items.push(...body.items);
      if (!body.nextCursor) return keysOf(items);
      cursor = body.nextCursor;
    }
  };

  it('lists the commitments by or to any of the parties, each once, page by page', async () => {
    expect((await paged({ party: 'KZ,CN' })).sort()).toEqual(['am-kz', 'cn-ua', 'kz-am', 'ru-kz']);
    // With statuses, a page walks each party, side and status: RU↔BY must still come once.
    expect((await paged({ party: 'BY,RU', status: 'pledged,requested' })).sort()).toEqual(['by-ru', 'ru-by', 'ru-kz']);
    expect((await paged({ party: 'AM,KZ', status: 'requested' })).sort()).toEqual(['am-kz']);
    expect(await paged({ party: 'BY', status: 'pledged' })).toEqual(['ru-by']);
    // Repeating a party changes nothing.
    expect((await paged({ party: 'UA,UA' })).sort()).toEqual(['cn-ua']);
  });

  it('exports the same list as CSV', async () => {
    const csv = await get('/v1/commitments', { asOf: '2021-12-31', party: 'KZ,CN' }).set('Accept', 'text/csv').expect(200);
    const [header, ...rows] = csv.text.trim().split(/\r?\n/);
    const id = header.split(',').indexOf('id');
    expect(keysOf(rows.map((row) => ({ id: row.split(',')[id] }))).sort()).toEqual(['am-kz', 'cn-ua', 'kz-am', 'ru-kz']);
  });

  it('pages the timeline and counts its density for several parties alike', async () => {
    const { body } = await get('/v1/timeline', { party: 'AM,UA', limit: '1000' }).expect(200);
    expect(keysOf(body.items).sort()).toEqual(['am-kz', 'cn-ua', 'kz-am']);
    const density = await get('/v1/timeline/density', { party: 'AM,UA', from: '2020', to: '2022' }).expect(200);
    expect(density.body.total).toBe(body.items.filter((item: { effectiveAt: { at: string } }) => item.effectiveAt.at < '2023').length);
    const audit = await get('/v1/audit', { party: 'AM,UA' }).expect(200);
    expect(new Set(keysOf(audit.body.items))).toEqual(new Set(['am-kz', 'cn-ua', 'kz-am']));
  });

  it.each([
    [{ party: 'BY,not a party' }, /party codes separated by commas/],
    [{ party: ',' }, /at least one party/],
    [{ party: Array.from({ length: 21 }, (_, index) => `P${index}`).join(',') }, /at most 20 parties/],
  ])('refuses party %j with a reason that names it', async (query, reason) => {
    for (const path of ['/v1/commitments', '/v1/timeline', '/v1/parties', '/v1/audit']) {
      const response = await get(path, query);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'party', message: expect.stringMatching(reason) })]),
      );
    }
  });
});
