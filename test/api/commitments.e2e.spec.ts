import request from 'supertest';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Kafka } from 'kafkajs';
import { createKafka } from '@timeline/log';
import { testKafkaBrokers } from '../setup/environment';
import { consumeTopic } from '../support/kafka';
import { startTestApp, TestApp } from '../support/test-app';
import { commitmentAggregate, streamIdOf } from '@timeline/domain';
import { CommandWriter, RecentStreams } from '@timeline/write';

const commitmentStreamId = (id: string) => streamIdOf(commitmentAggregate, id);

// Made-up test data: no real source says this.
const source = {
  title: 'Made-up test source: Belarus–Russia integration talks',
  publisher: 'Test Wire (made up)',
  url: 'https://example.org/talks',
  publishedAt: '2021-09-10',
  quote: 'a made-up passage: a $630m loan until the end of 2022',
};

const loan = {
  kind: 'loan',
  title: 'State loan for debt refinancing',
  by: 'RU',
  to: 'BY',
  status: 'pledged',
  terms: { amount: '630000000', currency: 'USD', validUntil: '2022-12', restrictions: ['only to refinance debt to Russia'] },
  effectiveAt: '2021-09-09',
  source,
  confidence: 'reported',
};

describe.each([
  { backend: 'postgres' as const, kafka: true },
  { backend: 'pglite' as const, kafka: false },
])('commitments over HTTP on $backend (kafka: $kafka)', ({ backend, kafka }) => {
  let t: TestApp;
  const http = () => t.http();
  const head = () => t.runtime.store.headPosition();

  beforeAll(async () => {
    t = await startTestApp({ backend, kafka });
  });
  afterAll(() => t.close());

  async function create(body: object = loan) {
    const response = await http().post('/v1/commitments').send(body).expect(201);
    return response;
  }

  function expectProblem(response: request.Response, status: number, field?: string) {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
    if (field) {
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  }

  it('records a commitment and answers with its id, version, event ids, position, Location and ETag', async () => {
    const response = await create();
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      version: 1,
      eventIds: [expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/)],
      position: expect.stringMatching(/^\d+$/),
    });
    expect(response.headers.location).toBe(`/v1/commitments/${response.body.id}`);
    expect(response.headers.etag).toBe('"1"');

    const got = await http().get(`/v1/commitments/${response.body.id}`).expect(200);
    expect(got.headers.etag).toBe('"1"');
    expect(got.body).toMatchObject({
      id: response.body.id,
      version: 1,
      kind: 'loan',
      by: 'RU',
      to: 'BY',
      // Valid until December 2022: as recorded so far, seen now, it has lapsed, and nothing is outstanding.
      status: 'lapsed',
      lapsedAt: '2023-01-01T00:00:00.000Z',
      terms: loan.terms,
      disbursed: '0',
      outstanding: null,
      currency: 'USD',
      position: response.body.position,
    });
    for (const path of ['terms.amount', 'terms.validUntil', 'status', 'title', 'effectiveAt']) {
      expect(got.body.sources[path]).toEqual({
        eventId: response.body.eventIds[0],
        type: 'CommitmentRecorded',
        source,
        confidence: 'reported',
        recordedAt: expect.any(String),
      });
    }
    const before = await http()
      .get(`/v1/commitments/${response.body.id}?asOf=2022-12-31&minPosition=${response.body.position}`)
      .expect(200);
    expect(before.body).toMatchObject({ status: 'pledged', lapsedAt: null, outstanding: '630000000' });
    await http().get(`/v1/commitments/${response.body.id}`).set('If-None-Match', '"1"').expect(304);

    const [event] = await t.runtime.store.readStream(`commitment-${response.body.id}`);
    expect(event).toMatchObject({
      id: response.body.eventIds[0],
      type: 'CommitmentRecorded',
      schemaVersion: 1,
      effectiveAt: { at: '2021-09-09T00:00:00.000Z', precision: 'day' },
      actor: 'test-admin',
      source,
      confidence: 'reported',
      causationId: null,
      correlationId: expect.any(String),
    });
  });

  it('amends with If-Match, and answers 412 naming If-Match when the version moved on, storing nothing', async () => {
    const { body } = await create();
    const amendment = { terms: { amount: '600000000' }, reason: 'reduced', effectiveAt: '2021-12', source };
    const amended = await http().post(`/v1/commitments/${body.id}/amendments`).set('If-Match', '"1"').send(amendment).expect(200);
    expect(amended.body.version).toBe(2);
    expect(amended.headers.etag).toBe('"2"');

    const before = await head();
    const stale = await http().post(`/v1/commitments/${body.id}/amendments`).set('If-Match', '"1"').send(amendment);
    expectProblem(stale, 412, 'If-Match');
    expect(stale.body.currentVersion).toBe(2);
    expect(await head()).toBe(before);

    const got = await http().get(`/v1/commitments/${body.id}`).expect(200);
    expect(got.body.terms.amount).toBe('600000000');
    expect(got.body.amendments).toBe(1);
  });

  it('remembers the streams it wrote exactly as reading them back gives them', async () => {
    const { body } = await create({ ...loan, effectiveAt: '2021-09/2021-10' });
    await http()
      .post(`/v1/commitments/${body.id}/amendments`)
      .send({ terms: { amount: '600000000', restrictions: [] }, reason: 'reduced', effectiveAt: '2021-12-01T10:30:00+03:00', source })
      .expect(200);
    const remembered = t.app.get(RecentStreams).get(commitmentStreamId(body.id));
    expect(remembered).toHaveLength(2);
    expect(remembered).toEqual(await t.runtime.store.readStream(commitmentStreamId(body.id)));
  });

  // Another instance of the service (a writer with a memory of its own) writes to a stream this one remembers.
  function otherInstance(): CommandWriter {
    return new CommandWriter(t.runtime.store, new RecentStreams(100));
  }
  const context = { actor: 'other-instance', correlationId: '0190a1b2-0000-7000-8000-000000000001' };

  it('decides on the stored stream when another instance wrote to it since', async () => {
    const { body } = await create();
    await otherInstance().execute(
      commitmentAggregate,
      { type: 'RecordDisbursement', data: { commitmentId: body.id, amount: '600000000', currency: 'USD' } },
      { effectiveAt: '2021-12-01', source },
      context,
    );
    // This instance remembers version 1 with nothing disbursed; only 30m are left, which it must see.
    const tooMuch = await http()
      .post(`/v1/commitments/${body.id}/disbursements`)
      .send({ amount: '100000000', currency: 'USD', effectiveAt: '2021-12-20', source });
    expectProblem(tooMuch, 422);
    expect(tooMuch.body.code).toBe('exceeds_outstanding');
    const rest = await http()
      .post(`/v1/commitments/${body.id}/disbursements`)
      .send({ amount: '30000000', currency: 'USD', effectiveAt: '2021-12-20', source })
      .expect(200);
    expect(rest.body.version).toBe(3);
    const got = await http().get(`/v1/commitments/${body.id}`).expect(200);
    expect(got.body).toMatchObject({ disbursed: '630000000', status: 'lapsed', outstanding: null, disbursements: 2 });
    const inForce = await http().get(`/v1/commitments/${body.id}?asOf=2022-06-30&minPosition=${rest.body.position}`).expect(200);
    expect(inForce.body).toMatchObject({ disbursed: '630000000', outstanding: '0' });
  });

  it('takes If-Match at the stored version when another instance moved the stream on', async () => {
    const { body } = await create();
    await otherInstance().execute(
      commitmentAggregate,
      { type: 'AmendCommitmentTerms', data: { commitmentId: body.id, changes: { amount: '600000000' }, reason: 'reduced' } },
      { effectiveAt: '2021-12', source },
      context,
    );
    const amended = await http()
      .post(`/v1/commitments/${body.id}/amendments`)
      .set('If-Match', '"2"')
      .send({ terms: { amount: '500000000' }, reason: 'reduced again', effectiveAt: '2022-01', source })
      .expect(200);
    expect(amended.body.version).toBe(3);
    const stale = await http()
      .post(`/v1/commitments/${body.id}/amendments`)
      .set('If-Match', '"1"')
      .send({ terms: { amount: '1' }, effectiveAt: '2022-02', source });
    expectProblem(stale, 412, 'If-Match');
    expect(stale.body.currentVersion).toBe(3);
  });

  it('records disbursements and status changes, refusing what the lifecycle forbids with the rule and the field', async () => {
    const { body } = await create();
    const wrongCurrency = await http()
      .post(`/v1/commitments/${body.id}/disbursements`)
      .send({ amount: '100', currency: 'RUB', effectiveAt: '2021-12-20', source });
    expectProblem(wrongCurrency, 422, 'currency');
    expect(wrongCurrency.body.code).toBe('currency_mismatch');

    await http()
      .post(`/v1/commitments/${body.id}/disbursements`)
      .send({ amount: '500000000', currency: 'USD', effectiveAt: '2021-12-20', source })
      .expect(200);
    const got = await http().get(`/v1/commitments/${body.id}`).expect(200);
    expect(got.body).toMatchObject({ disbursed: '500000000', status: 'lapsed', outstanding: null, disbursements: 1 });
    const inForce = await http().get(`/v1/commitments/${body.id}?asOf=2021-12-31&minPosition=${got.body.position}`).expect(200);
    expect(inForce.body).toMatchObject({ disbursed: '500000000', outstanding: '130000000' });

    await http()
      .post(`/v1/commitments/${body.id}/status`)
      .send({ status: 'fulfilled', effectiveAt: '2022', source, reason: 'paid out' })
      .expect(200);
    const closed = await http()
      .post(`/v1/commitments/${body.id}/amendments`)
      .send({ terms: { amount: '1' }, effectiveAt: '2022', source });
    expectProblem(closed, 422);
    expect(closed.body.code).toBe('commitment_closed');

    const demand = await create({ ...loan, status: 'requested', by: 'RU', to: 'BY', title: 'Demand: cheaper gas' });
    const notPledged = await http()
      .post(`/v1/commitments/${demand.body.id}/disbursements`)
      .send({ amount: '1', currency: 'USD', effectiveAt: '2021', source });
    expectProblem(notPledged, 422);
    expect(notPledged.body.code).toBe('not_pledged');
  });

  it.each([
    ['an unknown field', { ...loan, colour: 'red' }, 'colour'],
    ['an unknown nested field', { ...loan, terms: { ...loan.terms, interest: '3' } }, 'terms.interest'],
    ['a bad effective date', { ...loan, effectiveAt: '2021-02-30' }, 'effectiveAt'],
    ['a local time without a zone', { ...loan, effectiveAt: '2021-09-09T10:00' }, 'effectiveAt'],
    ['an amount as a JSON number', { ...loan, terms: { ...loan.terms, amount: 630000000 } }, 'terms.amount'],
    ['a lower-case currency', { ...loan, terms: { ...loan.terms, currency: 'usd' } }, 'terms.currency'],
    ['a missing source title', { ...loan, source: { url: 'https://example.org' } }, 'source.title'],
    ['no source at all', { ...loan, source: undefined }, 'source'],
    ['an unknown kind', { ...loan, kind: 'gift' }, 'kind'],
    ['a bad party code', { ...loan, by: 'russia' }, 'by'],
    ['an unknown confidence', { ...loan, confidence: 'certain' }, 'confidence'],
  ])('refuses %s with a 400 problem naming the field, storing nothing', async (_, body, field) => {
    const before = await head();
    const response = await http().post('/v1/commitments').send(body);
    expectProblem(response, 400, field);
    expect(await head()).toBe(before);
  });

  // Written as raw JSON: an object literal's `__proto__` would set the prototype instead of a field.
  const withField = (json: string, key: string, at: 'top' | 'terms') =>
    at === 'top' ? json.replace(/^\{/, `{"${key}":{"polluted":true},`) : json.replace('"terms":{', `"terms":{"${key}":{"polluted":true},`);
  it.each([
    ['__proto__', 'top', '__proto__'],
    ['constructor', 'top', 'constructor'],
    ['prototype', 'top', 'prototype'],
    ['__proto__', 'terms', 'terms.__proto__'],
    ['constructor', 'terms', 'terms.constructor'],
  ] as const)('refuses a body field named %s (%s level) with a 400 problem naming it, storing nothing', async (key, at, field) => {
    const before = await head();
    const body = withField(JSON.stringify(loan), key, at);
    expect(JSON.parse(body)).toHaveProperty([...field.split('.')]);
    const response = await http().post('/v1/commitments').set('Content-Type', 'application/json').send(body);
    expectProblem(response, 400, field);
    expect(response.body.errors).toEqual(expect.arrayContaining([{ field, message: 'is not a known field' }]));
    expect(await head()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  // Made-up test data: a summary of a source, in our words, with an estimated publication date.
  const paraphrased = {
    title: 'Made-up test source: a wire summary',
    publisher: 'Test Wire (made up)',
    publishedAt: '2021-09-09/2021-09-16',
    publishedAtEstimated: true,
    paraphrase: 'in our own words, a loan of about $630m',
    note: 'made up for this test; the link to the loan is our inference',
  };

  it('keeps a paraphrase a paraphrase, and an estimated publication date an estimate, in the event, the history, the timeline and the exports', async () => {
    const { body } = await create({ ...loan, source: paraphrased, confidence: 'inferred' });
    const [event] = await t.runtime.store.readStream(`commitment-${body.id}`);
    expect(event.source).toEqual(paraphrased);
    expect(event.confidence).toBe('inferred');

    const read = (path: string) => http().get(path).query({ minPosition: body.position });
    const { versions } = (await read(`/v1/commitments/${body.id}/history`).expect(200)).body;
    expect(versions[0]).toMatchObject({ confidence: 'inferred', source: paraphrased });
    expect(versions[0].source).not.toHaveProperty('quote');

    const [row] = parseCsv<Record<string, string>>(
      (await read(`/v1/commitments/${body.id}/history`).set('Accept', 'text/csv').expect(200)).text,
      { columns: true },
    );
    expect(row).toMatchObject({
      confidence: 'inferred',
      quote: '',
      paraphrase: paraphrased.paraphrase,
      sourceNote: paraphrased.note,
      sourcePublishedAt: '2021-09-09/2021-09-16',
      sourcePublishedAtEstimated: 'true',
    });

    const timeline = (await read('/v1/timeline').query({ q: 'own words', from: '2021-09-09', to: '2021-09-09' }).expect(200)).body;
    const entry = timeline.items.find((item: { streamId: string }) => item.streamId === `commitment-${body.id}`);
    expect(entry.source).toEqual(paraphrased);
    const exported = parseCsv<Record<string, string>>(
      (await read('/v1/timeline').query({ from: '2021-09-09', to: '2021-09-09' }).set('Accept', 'text/csv').expect(200)).text,
      { columns: true },
    );
    expect(exported.find((line) => line.eventId === event.id)).toMatchObject({
      quote: '',
      paraphrase: paraphrased.paraphrase,
      sourcePublishedAtEstimated: 'true',
    });

    const schema = (await http().get('/v1/schemas/source').expect(200)).body;
    expect(schema).toMatchObject({
      $id: '/v1/schemas/source',
      properties: { paraphrase: expect.any(Object), publishedAtEstimated: { type: 'boolean' } },
    });
  });

  it.each([
    ['an empty paraphrase', { ...paraphrased, paraphrase: '' }, 'source.paraphrase', /must not be empty/],
    ['a paraphrase that is not text', { ...paraphrased, paraphrase: ['a', 'b'] }, 'source.paraphrase', /must be a string/],
    [
      'an estimate flag that is not a boolean',
      { ...paraphrased, publishedAtEstimated: 'yes' },
      'source.publishedAtEstimated',
      /true or false/,
    ],
    [
      'an estimate of no date',
      { title: 'Made-up test source', paraphrase: 'x', publishedAtEstimated: true },
      'source.publishedAtEstimated',
      /needs publishedAt/,
    ],
    ['a publication date that is no date', { ...paraphrased, publishedAt: '2021-13' }, 'source.publishedAt', /.+/],
    [
      'a publication range that ends before it starts',
      { ...paraphrased, publishedAt: '2021-09-16/2021-09-09' },
      'source.publishedAt',
      /.+/,
    ],
    ['an unknown source field', { ...paraphrased, quoteKind: 'paraphrase' }, 'source.quoteKind', /not a known field/],
  ])('refuses a source with %s: 400 naming the field, storing nothing', async (_, badSource, field, message) => {
    const before = await head();
    const response = await http()
      .post('/v1/commitments')
      .send({ ...loan, source: badSource });
    expectProblem(response, 400, field);
    const messages = response.body.errors
      .filter((error: { field: string }) => error.field === field)
      .map((error: { message: string }) => error.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    expect(await head()).toBe(before);
  });

  it('refuses a state with a three-letter code, naming the field and the ISO scheme', async () => {
    const before = await head();
    const response = await http().post('/v1/parties').send({ partyId: 'GEO', name: 'Georgia', kind: 'state', effectiveAt: '2008', source });
    expectProblem(response, 422, 'partyId');
    expect(response.body).toMatchObject({ code: 'invalid_state_code', detail: expect.stringMatching(/ISO 3166-1 alpha-2/) });
    expect(await head()).toBe(before);
  });

  it('refuses malformed JSON, a body over the limit and a bad id, as problem documents', async () => {
    const before = await head();
    const malformed = await http().post('/v1/commitments').set('Content-Type', 'application/json').send('{"kind": ');
    expectProblem(malformed, 400, 'body');
    const huge = await http()
      .post('/v1/commitments')
      .send({ ...loan, title: 'x'.repeat(300_000) });
    expectProblem(huge, 413);
    expectProblem(await http().get('/v1/commitments/not-a-uuid'), 400, 'id');
    expectProblem(await http().get('/v1/commitments/0190f5a8-0000-7000-8000-000000000000'), 404, 'id');
    expectProblem(
      await http().post('/v1/commitments/0190f5a8-0000-7000-8000-000000000000/status').send({
        status: 'fulfilled',
        effectiveAt: '2022',
        source,
      }),
      404,
    );
    expectProblem(await http().get('/v1/nowhere'), 404);
    expect(await head()).toBe(before);
  });

  it('answers a repeated Idempotency-Key with the first answer, and refuses the key for another request', async () => {
    const key = `create-${Date.now()}-${backend}`;
    const first = await http().post('/v1/commitments').set('Idempotency-Key', key).send(loan).expect(201);
    const before = await head();
    const again = await http().post('/v1/commitments').set('Idempotency-Key', key).send(loan).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await head()).toBe(before);

    const other = await http()
      .post('/v1/commitments')
      .set('Idempotency-Key', key)
      .send({ ...loan, title: 'Another' });
    expectProblem(other, 422, 'Idempotency-Key');
    expect(await head()).toBe(before);
  });

  it('serves the OpenAPI document and health checks', async () => {
    const openapi = await http().get('/openapi.json').expect(200);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/v1/commitments', '/v1/commitments/{id}', '/v1/commitments/{id}/amendments']),
    );
    await http().get('/health/live').expect(200);
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.info.database).toMatchObject({ status: 'up', kind: backend });
  });

  if (kafka) {
    it('puts every recorded event on the topic as a CloudEvent, once per event id, in per-stream order', async () => {
      const { body } = await create();
      await http()
        .post(`/v1/commitments/${body.id}/amendments`)
        .set('If-Match', '"1"')
        .send({
          terms: { validUntil: '2023' },
          effectiveAt: '2022-01',
          source,
        })
        .expect(200);
      await http()
        .post(`/v1/commitments/${body.id}/disbursements`)
        .send({
          amount: '1000',
          currency: 'USD',
          effectiveAt: '2022-02-01',
          source,
        })
        .expect(200);

      const all = await t.runtime.store.readAll({ after: '0', limit: 10_000 });
      const kafkaClient: Kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'e2e-outside-reader' });
      const records = await consumeTopic(kafkaClient, t.topic!, (seen) => new Set(seen.map((r) => r.event.id)).size >= all.length);
      const ids = records.map((record) => record.event.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set(all.map((event) => event.id)));
      const mine = records.filter((record) => record.key === `commitment-${body.id}`);
      expect(mine.map((record) => [record.headers.ce_type, record.event.streamVersion])).toEqual([
        ['CommitmentRecorded', 1],
        ['CommitmentTermsAmended', 2],
        ['CommitmentDisbursed', 3],
      ]);
      expect(new Set(mine.map((record) => record.partition)).size).toBe(1);
      for (const record of records) {
        const stored = all.find((event) => event.id === record.event.id);
        expect(record.event).toEqual(stored);
      }
    });
  }
});

describe('writes with a bootstrap admin key', () => {
  let t: TestApp;
  const key = 'test-admin-key-0123456789';
  beforeAll(async () => {
    t = await startTestApp({ backend: 'pglite', env: { TIMELINE_BOOTSTRAP_ADMIN_KEY: key } });
  });
  afterAll(() => t.close());

  it('needs the key, and records its owner as the actor', async () => {
    const http = () => request(t.app.getHttpServer());
    const missing = await http().post('/v1/commitments').send(loan);
    expect(missing.status).toBe(401);
    expect(missing.body.errors[0].field).toBe('Authorization');
    expect((await http().post('/v1/commitments').set('Authorization', 'Bearer wrong-key-wrong-key').send(loan)).status).toBe(401);
    expect(await t.runtime.store.headPosition()).toBe('0');

    const created = await http().post('/v1/commitments').set('Authorization', `Bearer ${key}`).send(loan).expect(201);
    const [event] = await t.runtime.store.readStream(`commitment-${created.body.id}`);
    expect(event.actor).toBe('bootstrap-admin');
  });
});
