import { startTestApp, TestApp } from '../support/test-app';

// Made-up test data: no real source says this.
const source = { title: 'Made-up test source: density', publisher: 'Test Wire (made up)' };
const loan = (title: string, effectiveAt: string, by = 'RU', cited: object = source) => ({
  kind: 'loan',
  title,
  by,
  to: 'BY',
  status: 'pledged',
  terms: { amount: '1000000', currency: 'USD' },
  effectiveAt,
  source: cited,
});
// The March loan's (made-up) source was published in March 2021; the others say no date, so they count as published when recorded.
const publishedInMarch = { ...source, title: 'Made-up test source: density, published', publishedAt: '2021-03-12' };

/** GET /v1/timeline/density: counts per slice of effective time, which the page draws as clusters. */
describe.each([{ backend: 'postgres' as const }, { backend: 'pglite' as const }])('timeline density on $backend', ({ backend }) => {
  let t: TestApp;
  let position = '0';
  let beforeLast = '';

  beforeAll(async () => {
    t = await startTestApp({ backend, env: { TIMELINE_ROLES: 'api,relay,projector' } });
    const write = async (body: object) => {
      const response = await t.http().post('/v1/commitments').send(body).expect(201);
      position = response.body.position;
    };
    await write(loan('January loan one', '2021-01-05'));
    await write(loan('January loan two', '2021-01-20'));
    await write(loan('March loan', '2021-03-10', 'CN', publishedInMarch));
    beforeLast = new Date().toISOString();
    await write(loan('December loan', '2021-12-31'));
  });
  afterAll(() => t.close());

  const density = (query: Record<string, string>) =>
    t
      .http()
      .get('/v1/timeline/density')
      .query({ minPosition: position, ...query })
      .expect(200);

  it('counts the events of each slice, per stream type and event type, listing only the slices that have any', async () => {
    const { body } = await density({ from: '2021', to: '2021', buckets: '12' });
    expect(body).toMatchObject({ from: '2021-01-01T00:00:00.000Z', to: '2022-01-01T00:00:00.000Z', total: 4 });
    expect(body.bucketMs).toBeCloseTo((365 * 86_400_000) / 12, 0);
    const months = body.items.map((item: { start: string; count: number; streamType: string; type: string }) => [
      item.start.slice(0, 7),
      item.count,
      item.streamType,
      item.type,
    ]);
    // Twelve equal slices of 2021 (30.4 days each): the first holds both January loans, the last the December one.
    expect(months).toEqual([
      ['2021-01', 2, 'commitment', 'CommitmentRecorded'],
      ['2021-03', 1, 'commitment', 'CommitmentRecorded'],
      ['2021-12', 1, 'commitment', 'CommitmentRecorded'],
    ]);
    expect(Date.parse(body.items[0].end) - Date.parse(body.items[0].start)).toBeCloseTo(body.bucketMs, -1);
  });

  it('counts what /v1/timeline lists for the same filters and knownAt', async () => {
    const byCn = await density({ from: '2020', to: '2022', party: 'CN' });
    expect(byCn.body.total).toBe(1);
    const known = await density({ from: '2020', to: '2022', knownAt: beforeLast });
    expect(known.body.total).toBe(3);
    const searched = await density({ from: '2020', to: '2022', q: 'january' });
    expect(searched.body.total).toBe(2);
    const listed = await t.http().get('/v1/timeline').query({ from: '2020', to: '2022', q: 'january' }).expect(200);
    expect(listed.body.items).toHaveLength(2);
    const typed = await density({ from: '2020', to: '2022', type: 'CommitmentDisbursed' });
    expect(typed.body).toMatchObject({ total: 0, items: [] });
    // A slice holds [start, end): an event at `to`'s end is in, one before `from` is out.
    expect((await density({ from: '2021-01-20', to: '2021-12-31', buckets: '1' })).body.total).toBe(3);
  });

  it('counts on the reported axis what /v1/timeline lists with the same reportedBy', async () => {
    const reported = await density({ from: '2021', to: '2021', reportedBy: '2021-03-31' });
    expect(reported.body).toMatchObject({ reportedBy: '2021-03-31T23:59:59.999Z', total: 1 });
    expect(reported.body.items.map((item: { start: string }) => item.start.slice(0, 7))).toEqual(['2021-03']);
    const listed = await t.http().get('/v1/timeline').query({ from: '2021', to: '2021', reportedBy: '2021-03-31' }).expect(200);
    expect(listed.body.items.map((item: { data: { title: string } }) => item.data.title)).toEqual(['March loan']);
    // Before the source was published nothing had been reported; without reportedBy, everything counts.
    expect((await density({ from: '2021', to: '2021', reportedBy: '2021-03-11' })).body).toMatchObject({ total: 0, items: [] });
    expect((await density({ from: '2021', to: '2021' })).body).not.toHaveProperty('reportedBy');
  });

  it.each([
    [{ from: '2021', to: '2022', reportedBy: 'last week' }, 'reportedBy'],
    [{ to: '2021' }, 'from'],
    [{ from: '2021' }, 'to'],
    [{ from: '2021-13', to: '2022' }, 'from'],
    [{ from: '2021', to: 'next year' }, 'to'],
    [{ from: '2022', to: '2021' }, 'to'],
    [{ from: '2021', to: '2022', buckets: '0' }, 'buckets'],
    [{ from: '2021', to: '2022', buckets: '1001' }, 'buckets'],
    [{ from: '2021', to: '2022', buckets: 'many' }, 'buckets'],
    [{ from: '2021', to: '2022', type: 'SomethingHappened' }, 'type'],
    [{ from: '2021', to: '2022', party: 'not a party' }, 'party'],
    [{ from: '2021', to: '2022', knownAt: 'yesterday' }, 'knownAt'],
    [{ from: '2021', to: '2022', limit: '10' }, 'limit'],
  ])('refuses %j naming %s', async (query, field) => {
    const response = await t.http().get('/v1/timeline/density').query(query);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });
});
