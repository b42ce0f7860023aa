import { newTestEvent } from '../support/events';
import { startTestApp, TestApp } from '../support/test-app';

// Made-up test data: no real source says this.
const source = {
  title: 'Made-up test source: integration talks',
  publisher: 'Test Wire (made up)',
  quote: 'a made-up passage about a $630m loan',
};
const loan = {
  kind: 'loan',
  title: 'State loan for debt refinancing',
  by: 'RU',
  to: 'BY',
  status: 'pledged',
  terms: { amount: '630000000', currency: 'USD' },
  effectiveAt: '2021-09-09',
  source,
};

describe.each([
  { backend: 'postgres' as const, kafka: true },
  { backend: 'pglite' as const, kafka: false },
])('time travel on $backend (kafka: $kafka)', ({ backend, kafka }) => {
  let t: TestApp;
  const http = () => t.http();
  let position = '0';

  beforeAll(async () => {
    t = await startTestApp({ backend, kafka, env: { TIMELINE_ROLES: 'api,relay,projector' } });
  });
  afterAll(() => t.close());

  async function write(path: string, body: object, status = 200) {
    const response = await http().post(path).send(body).expect(status);
    position = response.body.position;
    return response.body as { id: string; eventIds: string[]; position: string };
  }
  const recordedAt = async (eventId: string) => (await t.runtime.store.readEvent(eventId))!.recordedAt;
  const justBefore = (instant: string) => new Date(Date.parse(instant) - 1).toISOString();
  const get = (path: string, query: Record<string, string> = {}) =>
    http()
      .get(path)
      .query({ minPosition: position, ...query })
      .expect(200);

  it('answers asOf and knownAt for retroactive events, corrections and retractions', async () => {
    const created = await write('/v1/commitments', loan, 201);
    const id = created.id;
    const disbursed = await write(`/v1/commitments/${id}/disbursements`, {
      amount: '500000000',
      currency: 'USD',
      effectiveAt: '2021-12-20',
      source,
    });

    const october = await get(`/v1/commitments/${id}`, { asOf: '2021-10-01' });
    expect(october.body).toMatchObject({
      status: 'pledged',
      pledged: '630000000',
      disbursed: '0',
      outstanding: '630000000',
      currency: 'USD',
    });
    const january = await get(`/v1/commitments/${id}`, { asOf: '2022-01-01' });
    expect(january.body).toMatchObject({ disbursed: '500000000', outstanding: '130000000' });
    const before = await get('/v1/commitments', { asOf: '2021-09-08', party: 'BY' });
    expect(before.body.items.map((item: { id: string }) => item.id)).not.toContain(id);

    // Retroactive: recorded now, effective in 2021.
    const amendment = await write(`/v1/commitments/${id}/amendments`, {
      terms: { amount: '600000000' },
      effectiveAt: '2021-09-20',
      source,
      reason: 'reduced',
    });
    const amendedAt = await recordedAt(amendment.eventIds[0]);
    expect((await get(`/v1/commitments/${id}`, { asOf: '2021-10-01' })).body.pledged).toBe('600000000');
    expect((await get(`/v1/commitments/${id}`, { asOf: '2021-09-15' })).body.pledged).toBe('630000000');
    const earlierBelief = await get(`/v1/commitments/${id}`, { asOf: '2021-10-01', knownAt: justBefore(amendedAt) });
    expect(earlierBelief.body.pledged).toBe('630000000');

    // Correction of the record's date.
    const correction = await write(
      `/v1/events/${created.eventIds[0]}/corrections`,
      {
        effectiveAt: '2021-09-10',
        reason: 'signed a day later',
        source,
      },
      201,
    );
    const correctedAt = await recordedAt(correction.eventIds[0]);
    await http().get(`/v1/commitments/${id}`).query({ asOf: '2021-09-09', minPosition: position }).expect(404);
    expect((await get(`/v1/commitments/${id}`, { asOf: '2021-09-09', knownAt: justBefore(correctedAt) })).body.id).toBe(id);

    // Retraction of the disbursement.
    const retraction = await write(`/v1/events/${disbursed.eventIds[0]}/retraction`, { reason: 'never paid', source }, 201);
    const retractedAt = await recordedAt(retraction.eventIds[0]);
    expect((await get(`/v1/commitments/${id}`, { asOf: '2022-06-01' })).body.disbursed).toBe('0');
    expect((await get(`/v1/commitments/${id}`, { asOf: '2022-06-01', knownAt: justBefore(retractedAt) })).body.disbursed).toBe('500000000');

    // The aggregate itself agrees: the retracted disbursement is gone.
    const aggregate = await http().get(`/v1/commitments/${id}`).expect(200);
    expect(aggregate.body).toMatchObject({ disbursed: '0', version: 5 });
  });

  it('marks facts whose precision makes them uncertain at the date', async () => {
    const { id } = await write(
      '/v1/commitments',
      {
        ...loan,
        title: 'Gas price for 2021',
        kind: 'price',
        effectiveAt: '2021',
        terms: { amount: '128.52', currency: 'USD', unit: 'USD per 1000 m3' },
      },
      201,
    );
    const midYear = await get(`/v1/commitments/${id}`, { asOf: '2021-06-30' });
    expect(midYear.body.uncertain).toEqual([expect.objectContaining({ type: 'CommitmentRecorded' })]);
    const nextYear = await get(`/v1/commitments/${id}`, { asOf: '2022-01-01' });
    expect(nextYear.body.uncertain).toEqual([]);
    const state = await get('/v1/state', { asOf: '2021-06-30' });
    expect(state.body.uncertain).toBe(true);
    expect(state.body.parties.items.map((party: { partyId: string }) => party.partyId)).toEqual(expect.arrayContaining(['BY', 'RU']));
  });

  it('lists the timeline in effective order, paged, filtered and searched', async () => {
    const all = await get('/v1/timeline', { limit: '1000' });
    const dates = all.body.items.map((item: { effectiveAt: { at: string } }) => item.effectiveAt.at);
    expect(dates).toEqual([...dates].sort());
    expect(all.body.items.length).toBeGreaterThanOrEqual(3);

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get('/v1/timeline', { limit: '2', ...(cursor ? { cursor } : {}) });
      pages.push(...page.body.items.map((item: { eventId: string }) => item.eventId));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(all.body.items.map((item: { eventId: string }) => item.eventId));

    const searched = await get('/v1/timeline', { q: 'refinancing' });
    expect(searched.body.items.length).toBeGreaterThan(0);
    for (const item of searched.body.items) expect(item.streamId).toMatch(/^commitment-/);
    const typed = await get('/v1/timeline', { type: 'CommitmentDisbursed' });
    expect(typed.body.items.every((item: { type: string }) => item.type === 'CommitmentDisbursed')).toBe(true);
    const nobody = await get('/v1/timeline', { party: 'EU' });
    expect(nobody.body.items).toEqual([]);
  });

  it('pages the commitments in id order, every one once, the same as the export', async () => {
    for (let index = 0; index < 5; index++) await write('/v1/commitments', { ...loan, title: `Paged loan ${index}`, by: 'KZ' }, 201);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get('/v1/commitments', { asOf: '2022-01-01', party: 'KZ', limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.body.count).toBe(page.body.items.length);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual(seen);
    const exported = await get('/v1/commitments', { asOf: '2022-01-01', party: 'KZ' }).set('Accept', 'application/x-ndjson');
    expect(
      exported.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual(seen);
  });

  it('diffs the state between two dates', async () => {
    const diff = await get('/v1/state/diff', { from: '2021-01-01', to: '2022-12-31' });
    expect(diff.body.added.length).toBeGreaterThan(0);
    expect(diff.body).toHaveProperty('changed');
  });

  it.each([
    ['/v1/commitments', { asOf: '2021-13-01' }, 'asOf'],
    ['/v1/commitments', { knownAt: 'yesterday' }, 'knownAt'],
    ['/v1/commitments', { status: 'promised' }, 'status'],
    ['/v1/commitments', { colour: 'red' }, 'colour'],
    ['/v1/commitments', { cursor: 'not a cursor' }, 'cursor'],
    ['/v1/commitments', { cursor: 'bm90LWEtY3Vyc29y=' }, 'cursor'],
    ['/v1/commitments', { limit: '1001' }, 'limit'],
    ['/v1/timeline', { type: 'SomethingHappened' }, 'type'],
    ['/v1/timeline', { cursor: 'bm90LWEtY3Vyc29y' }, 'cursor'],
    ['/v1/timeline', { limit: '0' }, 'limit'],
    ['/v1/state/diff', { from: '2021' }, 'to'],
  ])('refuses %s with %j naming %s', async (path, query, field) => {
    const response = await http().get(path).query(query);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('refuses a minPosition no write has reached yet, naming it', async () => {
    const response = await http().get('/v1/commitments').query({ minPosition: '999999999' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ field: 'minPosition', message: expect.stringMatching(/beyond the newest recorded event/) }),
    ]);
  });

  it('rebuilds under read load and answers the same before and after', async () => {
    const snapshot = async () => (await get('/v1/state', { asOf: '2022-01-01', knownAt: new Date(Date.now() - 1).toISOString() })).body;
    const fixedKnownAt = new Date().toISOString();
    const query = { asOf: '2022-01-01', knownAt: fixedKnownAt };
    const before = (await get('/v1/state', query)).body;
    let reading = true;
    const reads: number[] = [];
    const load = (async () => {
      while (reading) reads.push((await http().get('/v1/state').query(query)).status);
    })();
    const started = await http().post('/v1/admin/rebuild').expect(202);
    expect(started.body.state).toBe('running');
    let status;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await http().get('/v1/admin/rebuild').expect(200)).body;
    } while (status.state === 'running');
    reading = false;
    await load;
    expect({ state: status.state, error: status.error }).toEqual({ state: 'succeeded', error: undefined });
    expect(status.result.previous).toBeDefined();
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(reads)).toEqual(new Set([200]));
    const after = (await get('/v1/state', query)).body;
    expect(after).toEqual(before);
    expect(await snapshot()).toBeDefined();
  });
});

describe('read your writes without a projector in the process', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ backend: 'pglite', env: { TIMELINE_ROLES: 'api' } });
  });
  afterAll(() => t.close());

  it('answers 503 with Retry-After while the read models have not reached a recorded position', async () => {
    const appended = await t.runtime.store.append({
      streamId: 'party-ZZ',
      streamType: 'party',
      expectedVersion: 'no_stream',
      events: [newTestEvent({ type: 'PartyRegistered', data: { partyId: 'ZZ', name: 'Zed', kind: 'state' } })],
    });
    const response = await t.http().get('/v1/commitments').query({ minPosition: appended.position });
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.headers['retry-after']).toBe('1');
  });
});
