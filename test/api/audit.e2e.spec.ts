import { parse as parseCsv } from 'csv-parse/sync';
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
  terms: { amount: '630000000', currency: 'USD', validUntil: '2022-12' },
  effectiveAt: '2021-09-09',
  source,
};

describe.each([
  { backend: 'postgres' as const, kafka: true },
  { backend: 'pglite' as const, kafka: false },
])('audit views on $backend (kafka: $kafka)', ({ backend, kafka }) => {
  let t: TestApp;
  let position = '0';
  let id: string;
  const eventIds: Record<string, string> = {};
  const recordedAt: Record<string, string> = {};
  const http = () => t.http();
  const get = (path: string, query: Record<string, string> = {}) =>
    http()
      .get(path)
      .query({ minPosition: position, ...query })
      .expect(200);

  async function write(name: string, path: string, body: object, status = 200) {
    const response = await http().post(path).send(body).expect(status);
    position = response.body.position;
    eventIds[name] = response.body.eventIds[0];
    recordedAt[name] = (await t.runtime.store.readEvent(eventIds[name]))!.recordedAt;
    return response.body;
  }

  beforeAll(async () => {
    t = await startTestApp({ backend, kafka });
    id = (await write('record', '/v1/commitments', loan, 201)).id;
    await write('restrict', `/v1/commitments/${id}/amendments`, {
      terms: { restrictions: ['not for the Astravets nuclear plant'] },
      effectiveAt: '2021-09-09',
      source,
      reason: 'restriction reported later',
    });
    await write('disburse', `/v1/commitments/${id}/disbursements`, {
      amount: '100000000',
      currency: 'USD',
      effectiveAt: '2021-12',
      source,
    });
    await write(
      'correct',
      `/v1/events/${eventIds.disburse}/corrections`,
      { data: { amount: '150000000' }, reason: 'the wire misread the tranche', source },
      201,
    );
    await write(
      'demand',
      '/v1/commitments',
      { ...loan, title: 'Cash injections', status: 'requested', terms: { amount: '3000000000', currency: 'USD' } },
      201,
    );
    await write(
      'retracted',
      '/v1/commitments',
      { ...loan, title: 'A loan that was never offered', terms: { amount: '5', currency: 'RUB' } },
      201,
    );
    await write('retraction', `/v1/events/${eventIds.retracted}/retraction`, { reason: 'misreported', source }, 201);
  });
  afterAll(() => t.close());

  it('lists every version with field-level changes, and marks the correction and what it fixed', async () => {
    const { body } = await get(`/v1/commitments/${id}/history`);
    expect(body.versions.map((version: { type: string }) => version.type)).toEqual([
      'CommitmentRecorded',
      'CommitmentTermsAmended',
      'CommitmentDisbursed',
      'EventCorrected',
    ]);
    const [recorded, restricted, disbursed, corrected] = body.versions;
    expect(recorded).toMatchObject({
      version: 1,
      actor: 'test-admin',
      confidence: 'reported',
      source: expect.objectContaining({ quote: source.quote }),
    });
    expect(recorded.effectiveAt).toEqual({ at: '2021-09-09T00:00:00.000Z', precision: 'day' });
    expect(recorded.changes).toEqual(
      expect.arrayContaining([
        { path: 'status', from: null, to: 'pledged' },
        { path: 'terms', from: null, to: { amount: '630000000', currency: 'USD', validUntil: '2022-12' } },
      ]),
    );
    expect(restricted.changes).toEqual([{ path: 'terms.restrictions', from: null, to: ['not for the Astravets nuclear plant'] }]);
    expect(disbursed.changes).toEqual(expect.arrayContaining([{ path: 'disbursed', from: '0', to: '100000000' }]));
    expect(disbursed.correctedBy).toEqual([expect.objectContaining({ eventId: eventIds.correct })]);
    expect(corrected.fixes).toEqual({ eventId: eventIds.disburse, type: 'CommitmentDisbursed', kind: 'correction' });
    expect(corrected.changes).toEqual(expect.arrayContaining([{ path: 'disbursed', from: '100000000', to: '150000000' }]));
  });

  it('shows the two axes: effective time, and when we learned the restriction', async () => {
    const { body } = await get(`/v1/commitments/${id}/axes`);
    const learned = body.knowledge.find((entry: { changes: { path: string }[] }) =>
      entry.changes.some((change) => change.path === 'terms.restrictions'),
    );
    expect(learned.recordedAt).toBe(recordedAt.restrict);
    const disbursedInEffectiveTime = body.effective.find((segment: { changes: { path: string; to: unknown }[] }) =>
      segment.changes.some((change) => change.path === 'disbursed' && change.to === '150000000'),
    );
    expect(disbursedInEffectiveTime.validFrom).toBe('2021-12-01T00:00:00.000Z');
  });

  it('tells who recorded what and when, paged, filtered by type and party', async () => {
    const all = await get('/v1/audit');
    expect(all.body.items.length).toBe(7);
    expect(all.body.items.every((item: { actor: string }) => item.actor === 'test-admin')).toBe(true);
    const revisions = await get('/v1/audit', { type: 'EventCorrected,EventRetracted' });
    expect(revisions.body.items.map((item: { causationId: string }) => item.causationId).sort()).toEqual(
      [eventIds.disburse, eventIds.retracted].sort(),
    );
    const first = await get('/v1/audit', { limit: '3' });
    const second = await get('/v1/audit', { limit: '3', cursor: first.body.nextCursor });
    expect([...first.body.items, ...second.body.items].map((item: { eventId: string }) => item.eventId)).toEqual(
      all.body.items.slice(0, 6).map((item: { eventId: string }) => item.eventId),
    );
    expect((await get('/v1/audit', { party: 'EU' })).body.items).toEqual([]);
    await http().get('/v1/audit').query({ type: 'Nonsense' }).expect(400);
  });

  it('keeps a ledger of pledged, disbursed and outstanding per party pair, kind and currency, at any date and knowledge', async () => {
    const now = await get('/v1/ledger', { asOf: '2022-06-30' });
    expect(now.body.rows).toEqual([
      {
        by: 'RU',
        to: 'BY',
        kind: 'loan',
        currency: 'USD',
        pledged: '630000000',
        disbursed: '150000000',
        outstanding: '480000000',
        requested: '3000000000',
        commitments: 2,
      },
    ]);
    const beforeCorrection = await get('/v1/ledger', {
      asOf: '2022-06-30',
      knownAt: new Date(Date.parse(recordedAt.correct) - 1).toISOString(),
    });
    expect(beforeCorrection.body.rows[0]).toMatchObject({ disbursed: '100000000', outstanding: '530000000' });
    const beforeRetraction = await get('/v1/ledger', {
      asOf: '2022-06-30',
      knownAt: new Date(Date.parse(recordedAt.retraction) - 1).toISOString(),
    });
    expect(beforeRetraction.body.rows.map((row: { currency: string }) => row.currency).sort()).toEqual(['RUB', 'USD']);
    const before = await get('/v1/ledger', { asOf: '2021-11-30' });
    expect(before.body.rows[0]).toMatchObject({ disbursed: '0', outstanding: '630000000' });
  });

  it('exports the timeline, commitments, history and ledger as CSV and NDJSON, keeping currencies and precisions', async () => {
    const csv = await get('/v1/commitments', { asOf: '2022-06-30' }).set('Accept', 'text/csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parseCsv<Record<string, string>>(csv.text, { columns: true });
    const exported = rows.find((row) => row.id === id)!;
    expect(exported).toMatchObject({
      pledged: '630000000',
      disbursed: '150000000',
      currency: 'USD',
      restrictions: 'not for the Astravets nuclear plant',
    });

    const ndjson = await http().get('/v1/timeline').query({ minPosition: position }).set('Accept', 'application/x-ndjson').expect(200);
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = ndjson.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const json = await get('/v1/timeline', { limit: '1000' });
    expect(lines.map((line) => line.eventId)).toEqual(json.body.items.map((item: { eventId: string }) => item.eventId));
    expect(lines.find((line) => line.eventId === eventIds.record).effectiveAt).toMatchObject({ precision: 'day' });

    const history = await http().get(`/v1/commitments/${id}/history`).set('Accept', 'text/csv').expect(200);
    expect(parseCsv(history.text, { columns: true })).toHaveLength(4);
    const ledger = await http().get('/v1/ledger').query({ asOf: '2022-06-30' }).set('Accept', 'text/csv').expect(200);
    expect(parseCsv(ledger.text, { columns: true })).toEqual([
      expect.objectContaining({ by: 'RU', to: 'BY', currency: 'USD', pledged: '630000000', outstanding: '480000000' }),
    ]);
  });

  it('refuses revisions the domain does not allow, naming why, and stores nothing', async () => {
    const before = (await t.runtime.store.readStream(`commitment-${id}`)).length;
    const refuse = async (path: string, body: object, code: string) => {
      const response = await http().post(path).send(body).expect(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        code,
        errors: [expect.objectContaining({ field: code === 'inconsistent_revision' ? 'data' : 'eventId' })],
      });
    };
    await refuse(
      `/v1/events/${eventIds.correct}/corrections`,
      { data: { amount: '1' }, reason: 'revise the revision', source },
      'revision_of_revision',
    );
    await refuse(`/v1/events/${eventIds.retracted}/retraction`, { reason: 'again', source }, 'event_retracted');
    // The disbursement is in USD: terms in EUR would make it a payment in another currency.
    await refuse(
      `/v1/events/${eventIds.record}/corrections`,
      { data: { terms: { currency: 'EUR' } }, reason: 'wrong currency', source },
      'inconsistent_revision',
    );
    expect(await t.runtime.store.readStream(`commitment-${id}`)).toHaveLength(before);
  });
});
