import { parse } from 'csv-parse/sync';
import { startTestApp, TestApp } from '../support/test-app';

// Made-up test data: no real source says this.
const record = { title: 'Made-up record of a loan', publisher: 'Test Wire (made up)', quote: 'a made-up passage about a $600m loan' };
const fix = { title: 'Made-up correction of the amount', publisher: 'Other Wire (made up)', paraphrase: 'made up: the loan is $630m' };
const disbursal = { title: 'Made-up note of a disbursement', publisher: 'Third Wire (made up)', quote: 'a made-up passage: $200m paid' };

/** GET /v1/state/diff: term-by-term changes, each with the source of its value, between dates or between knownAt times. */
describe.each([{ backend: 'postgres' as const }, { backend: 'pglite' as const }])('the state diff on $backend', ({ backend }) => {
  let t: TestApp;
  let position = '0';
  let id: string;
  let recordedBeforeFix: string;

  beforeAll(async () => {
    t = await startTestApp({ backend });
    const write = async (path: string, body: object, status: number) => {
      const response = await t.http().post(path).send(body).expect(status);
      position = response.body.position;
      return response.body as { id: string; eventIds: string[] };
    };
    const created = await write(
      '/v1/commitments',
      {
        kind: 'loan',
        title: 'Made-up loan',
        by: 'RU',
        to: 'BY',
        status: 'pledged',
        terms: { amount: '600000000', currency: 'USD', validUntil: '2022' },
        effectiveAt: '2021-09-09',
        source: record,
      },
      201,
    );
    id = created.id;
    await write(
      `/v1/commitments/${id}/disbursements`,
      { amount: '200000000', currency: 'USD', effectiveAt: '2021-12-20', source: disbursal },
      200,
    );
    recordedBeforeFix = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await write(
      `/v1/events/${created.eventIds[0]}/corrections`,
      { data: { terms: { amount: '630000000' } }, reason: 'the amount was misreported', source: fix },
      201,
    );
  });
  afterAll(() => t.close());

  const diff = (query: Record<string, string>, accept = 'application/json') =>
    t
      .http()
      .get('/v1/state/diff')
      .set('accept', accept)
      .query({ minPosition: position, ...query });

  it('lists the changes between two dates field by field, each with the source of its new value', async () => {
    const response = await diff({ from: '2021-10-01', to: '2022-01-01' }).expect(200);
    expect(response.body.added).toEqual([]);
    const [loan] = response.body.changed;
    expect(loan).toMatchObject({ id, title: 'Made-up loan', by: 'RU', to: 'BY', currency: 'USD', unit: null });
    const byPath = Object.fromEntries(loan.changes.map((change: { path: string }) => [change.path, change]));
    expect(byPath.disbursed).toMatchObject({ from: '0', to: '200000000', source: { source: { title: disbursal.title } } });
    expect(byPath.outstanding).toMatchObject({ from: '630000000', to: '430000000', source: { source: { title: disbursal.title } } });
    expect(byPath['terms.amount']).toBeUndefined();
  });

  it('lists what became known between two knownAt times, term by term, with the correction as the source', async () => {
    const response = await diff({ from: '2021-10-01', to: '2021-10-01', fromKnownAt: recordedBeforeFix }).expect(200);
    expect(response.body.fromKnownAt).toBe(recordedBeforeFix);
    const [loan] = response.body.changed;
    const amount = loan.changes.find((change: { path: string }) => change.path === 'terms.amount');
    expect(amount).toMatchObject({
      from: '600000000',
      to: '630000000',
      source: { type: 'EventCorrected', source: { title: fix.title, paraphrase: fix.paraphrase } },
    });
    // A term is a field of its own: the whole terms object is never one change.
    expect(loan.changes.map((change: { path: string }) => change.path)).not.toContain('terms');
    // Added: a commitment not yet in force on the earlier date, with its sources.
    const added = await diff({ from: '2021-09-01', to: '2021-10-01' }).expect(200);
    expect(added.body.added).toEqual([
      expect.objectContaining({
        id,
        sources: expect.objectContaining({ status: expect.objectContaining({ source: expect.objectContaining({ title: record.title }) }) }),
      }),
    ]);
  });

  it('streams the comparison as CSV, one row per change with its source', async () => {
    const response = await diff({ from: '2021-09-01', to: '2022-01-01', fromKnownAt: recordedBeforeFix }, 'text/csv').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse<Record<string, string>>(response.text, { columns: true });
    expect(rows[0]).toMatchObject({ change: 'added', id, title: 'Made-up loan', sourceTitle: record.title, quote: record.quote });
  });

  it.each([
    [{ from: '2021-10-01', to: '2021-10-01', fromKnownAt: '2026-13-01' }, 'fromKnownAt'],
    [{ from: '2021-10-01', to: '2021-10-01', fromKnownAt: '2021-02-01', toKnownAt: '2021-01-01' }, 'toKnownAt'],
    [{ from: '2021-10-01' }, 'to'],
  ])('refuses %j naming %s', async (query, field) => {
    const response = await diff(query).expect(400);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });
});
