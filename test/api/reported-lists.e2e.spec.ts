import { startTestApp, TestApp } from '../support/test-app';

// Made-up test data: no real source says this.
const source = (publishedAt: string) => ({
  title: `Made-up test source published ${publishedAt}`,
  paraphrase: 'a made-up report',
  publishedAt,
});
const loan = (title: string, publishedAt: string) => ({
  kind: 'loan',
  title,
  by: 'RU',
  to: 'BY',
  status: 'pledged',
  terms: { amount: '1000000', currency: 'USD' },
  effectiveAt: '2021-02',
  source: source(publishedAt),
});

/**
 * A page of commitments on the reported axis reads only the streams that may name the party
 * asked for: one whose party came from a correction of ours or from a competing claim is still
 * found under it, and no longer under the party it had before.
 */
describe.each([{ backend: 'postgres' as const }, { backend: 'pglite' as const }])('reported lists by party on $backend', ({ backend }) => {
  let t: TestApp;
  let position = '0';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ backend, env: { TIMELINE_ROLES: 'api,relay,projector' } });
    const post = async (path: string, body: object) => {
      const response = await t.http().post(path).send(body).expect(201);
      position = response.body.position;
      return response.body as { id?: string; eventId?: string; position: string };
    };
    for (const [key, publishedAt] of [
      ['plain', '2021-03-01'],
      ['corrected', '2021-03-02'],
      ['claimed', '2021-03-03'],
      ['late', '2021-06-01'],
    ] as const) {
      ids[key] = (await post('/v1/commitments', loan(`Reported-list loan: ${key}`, publishedAt))).id!;
    }
    const recordOf = async (id: string) =>
      (
        (await t.http().get(`/v1/commitments/${id}/history`).query({ minPosition: position }).expect(200)).body as {
          versions: { eventId: string }[];
        }
      ).versions[0].eventId;
    // Our own recording said BY; the lender's counterpart was KZ.
    await post(`/v1/events/${await recordOf(ids.corrected)}/corrections`, {
      data: { to: 'KZ' },
      reason: 'Recorded with the wrong borrower (made-up test correction)',
      source: source('2021-03-02'),
    });
    // A later source says the lender was CN: the latest published claim is current.
    await post(`/v1/events/${await recordOf(ids.claimed)}/claims`, { field: 'by', value: 'CN', source: source('2021-04-01') });
  });
  afterAll(() => t.close());

  const listed = async (query: Record<string, string>) => {
    const items: { id: string; by: string; to: string }[] = [];
    for (let cursor: string | undefined; ;) {
      const { body } = await t
        .http()
        .get('/v1/commitments')
        .query({ asOf: '2021-12-31', minPosition: position, limit: '1', ...(cursor && { cursor }), ...query })
        .expect(200);
      items.push(...body.items);
      if (!body.nextCursor) return items;
      cursor = body.nextCursor;
    }
  };
  const titles = (items: { id: string }[]) =>
    items.map((item) => Object.keys(ids).find((key) => ids[key] === item.id)).filter((key) => key !== undefined);

  it('finds a commitment under the party a correction gave it, one page at a time', async () => {
    expect(titles(await listed({ party: 'KZ', reportedBy: '2021-12-31' }))).toEqual(['corrected']);
    expect(titles(await listed({ party: 'BY', reportedBy: '2021-12-31' })).sort()).toEqual(['claimed', 'late', 'plain']);
  });

  it('finds a commitment under the party of the claim current by then, and under the other one before it was published', async () => {
    expect(titles(await listed({ party: 'CN', reportedBy: '2021-12-31' }))).toEqual(['claimed']);
    expect(titles(await listed({ party: 'RU', reportedBy: '2021-12-31' })).sort()).toEqual(['corrected', 'late', 'plain']);
    // By the end of March only the record had been published: RU lends, and the June loan is not yet reported.
    expect(titles(await listed({ party: 'CN', reportedBy: '2021-03-31' }))).toEqual([]);
    expect(titles(await listed({ party: 'RU', reportedBy: '2021-03-31' })).sort()).toEqual(['claimed', 'corrected', 'plain']);
  });
});
