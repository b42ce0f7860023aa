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
      const response = await t.http().post(path).send(body);
      if (response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
      position = response.body.position;
      return response.body as { id: string; eventIds: string[]; position: string };
    };
    for (const [key, publishedAt] of [
      ['plain', '2021-03-01'],
      ['corrected', '2021-03-02'],
      ['claimed', '2021-03-03'],
      ['late', '2021-06-01'],
      ['reclaimed', '2021-03-04'],
    ] as const) {
      ids[key] = (await post('/v1/commitments', loan(`Reported-list loan: ${key}`, publishedAt))).id;
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
    // A claim that the borrower was UA, then our correction of how we recorded that claim: AM.
    const claim = await post(`/v1/events/${await recordOf(ids.reclaimed)}/claims`, {
      field: 'to',
      value: 'UA',
      source: source('2021-04-02'),
    });
    await post(`/v1/events/${claim.eventIds[0]}/corrections`, {
      data: { value: 'AM' },
      reason: 'The claim was recorded with the wrong party (made-up test correction)',
      source: source('2021-04-02'),
    });
  });
  afterAll(() => t.close());

  it("refuses to move a claim event's date, naming effectiveAt, and stores nothing", async () => {
    const claimId = (
      (await t.http().get(`/v1/commitments/${ids.claimed}/history`).query({ minPosition: position }).expect(200)).body as {
        versions: { eventId: string; type: string }[];
      }
    ).versions.find((version) => version.type === 'ClaimRecorded')!.eventId;
    const before = await t.runtime.store.headPosition();
    const response = await t
      .http()
      .post(`/v1/events/${claimId}/corrections`)
      .send({ effectiveAt: '2020-01', reason: 'made-up test: a claim moved', source: source('2021-05-01') });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'claim_effective_time', errors: [expect.objectContaining({ field: 'effectiveAt' })] });
    expect(await t.runtime.store.headPosition()).toBe(before);
  });

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
    // A correction of a claim's value: the claim current by then names AM, not the UA first recorded.
    expect(titles(await listed({ party: 'AM', reportedBy: '2021-12-31' }))).toEqual(['reclaimed']);
    expect(titles(await listed({ party: 'UA', reportedBy: '2021-12-31' }))).toEqual([]);
  });

  it('finds a commitment under the party of the claim current by then, and under the other one before it was published', async () => {
    expect(titles(await listed({ party: 'CN', reportedBy: '2021-12-31' }))).toEqual(['claimed']);
    expect(titles(await listed({ party: 'RU', reportedBy: '2021-12-31' })).sort()).toEqual(['corrected', 'late', 'plain', 'reclaimed']);
    // By the end of March only the record had been published: RU lends, and the June loan is not yet reported.
    expect(titles(await listed({ party: 'CN', reportedBy: '2021-03-31' }))).toEqual([]);
    expect(titles(await listed({ party: 'RU', reportedBy: '2021-03-31' })).sort()).toEqual(['claimed', 'corrected', 'plain', 'reclaimed']);
  });

  it('lists what any of several parties takes part in, each commitment once', async () => {
    expect(titles(await listed({ party: 'KZ,AM', reportedBy: '2021-12-31' })).sort()).toEqual(['corrected', 'reclaimed']);
    expect(titles(await listed({ party: 'CN,KZ,UA', reportedBy: '2021-12-31' })).sort()).toEqual(['claimed', 'corrected']);
    // Every one of the five names RU or BY (or both) at the end of March: each is listed once.
    expect(titles(await listed({ party: 'RU,BY', reportedBy: '2021-03-31' })).sort()).toEqual([
      'claimed',
      'corrected',
      'plain',
      'reclaimed',
    ]);
    expect(titles(await listed({ party: 'RU,BY,KZ,CN,AM', reportedBy: '2021-12-31' })).sort()).toEqual([
      'claimed',
      'corrected',
      'late',
      'plain',
      'reclaimed',
    ]);
  });
});
