import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { IHeaders, Message } from 'kafkajs';
import { createKafka, DLQ_HEADERS, toKafkaMessage } from '@timeline/log';
import { testKafkaBrokers } from '../setup/environment';
import { serviceAuthEnv, writeHeaders } from '../support/auth';
import { startTestApp, TestApp } from '../support/test-app';

const SOURCE = { title: 'Dead-letter test', publisher: 'Tests' };

/**
 * Poison on the real topic: records the projector cannot read go to the
 * dead-letter topic as they were, with the reason; they are counted, reported
 * by readiness (which stays up), and the partition goes on behind them.
 */
describe('poison records go to the dead-letter topic and the projector goes on', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({ backend: 'postgres', kafka: true, env: serviceAuthEnv() });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  const post = (path: string, body: object) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...writeHeaders() },
      body: JSON.stringify(body),
    });

  it('sends each kind of poison record to <topic>.dlq with its reason, and projects the records after it', async () => {
    const id = randomUUID();
    const recorded = await post('/v1/commitments', {
      id,
      kind: 'loan',
      title: 'Loan before the poison',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      effectiveAt: '2021-09-09',
      terms: { amount: '1000', currency: 'USD' },
      source: SOURCE,
    });
    expect(recorded.status).toBe(201);
    const [event] = await t.runtime.store.readStream(`commitment-${id}`);
    const valid = toKafkaMessage(event);
    const headers = valid.headers as Record<string, string>;
    // Same key as the stream: the same partition, so the disbursement below waits behind the poison.
    const poison: { reason: RegExp; message: Message }[] = [
      {
        reason: /unknown event type CommitmentTeleported/,
        message: { ...valid, headers: { ...headers, ce_id: randomUUID(), ce_type: 'CommitmentTeleported' } },
      },
      {
        reason: /no way to read CommitmentRecorded at schema version 9/,
        message: { ...valid, headers: { ...headers, ce_id: randomUUID(), ce_schemaversion: '9' } },
      },
      {
        reason: /value is not JSON/,
        message: { ...valid, value: '{"data": {"commitmentId": ', headers: { ...headers, ce_id: randomUUID() } },
      },
      { reason: /header ce_specversion is missing/, message: { key: valid.key, value: valid.value, headers: {} } },
    ];
    const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'dead-letter-test' });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: t.topic!, acks: -1, messages: poison.map((item) => item.message) });
    await producer.disconnect();

    const disbursed = await post(`/v1/commitments/${id}/disbursements`, {
      amount: '10',
      currency: 'USD',
      effectiveAt: '2021-10-01',
      source: SOURCE,
    });
    expect(disbursed.status).toBe(200);
    const { position } = (await disbursed.json()) as { position: string };
    const read = await fetch(`${base}/v1/commitments/${id}?minPosition=${position}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { disbursed: string }).disbursed).toBe('10');

    const dlqTopic = `${t.topic}.dlq`;
    const letters = await consumeRaw(kafka, dlqTopic, poison.length);
    expect(letters).toHaveLength(poison.length);
    for (const [index, item] of poison.entries()) {
      const letter = letters[index];
      expect(letter.value).toEqual(String(item.message.value));
      expect(letter.key).toEqual(item.message.key);
      for (const [name, value] of Object.entries(item.message.headers as IHeaders)) expect(letter.headers[name]).toEqual(String(value));
      expect(letter.headers[DLQ_HEADERS.reason]).toMatch(item.reason);
      expect(letter.headers[DLQ_HEADERS.topic]).toBe(t.topic);
      expect(letter.headers[DLQ_HEADERS.group]).toBe(`${t.topic}.projector`);
      expect(letter.headers[DLQ_HEADERS.offset]).toMatch(/^\d+$/);
    }

    const { rows } = await t.testDb.db.pool.query<{ reason: string }>('SELECT reason FROM dead_letters ORDER BY record_offset');
    expect(rows.map((row) => row.reason)).toEqual(letters.map((letter) => letter.headers[DLQ_HEADERS.reason]));

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const counted = [...metrics.matchAll(/^timeline_dead_letters_total\{[^}]*topic="([^"]+)"[^}]*\} (\d+)$/gm)];
    expect(counted.reduce((sum, match) => sum + Number(match[2]), 0)).toBe(poison.length);

    const ready = await fetch(`${base}/health/ready`);
    const health = (await ready.json()) as {
      details: { deadLetters: { status: string; count: number; warning: string; lastReason: string } };
    };
    expect(ready.status).toBe(200);
    expect(health.details.deadLetters).toMatchObject({ status: 'up', count: poison.length });
    expect(health.details.deadLetters.warning).toContain(dlqTopic);
  });
});

/** The dead-letter topic's records, raw (they are not readable events, by definition). */
async function consumeRaw(kafka: ReturnType<typeof createKafka>, topic: string, count: number) {
  const records: { key: string; value: string; headers: Record<string, string>; offset: bigint }[] = [];
  const consumer = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${count} dead letters`)), 30_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
            records.push({
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              headers,
              offset: BigInt(message.offset),
            });
            if (records.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => Number(BigInt(a.headers[DLQ_HEADERS.offset]) - BigInt(b.headers[DLQ_HEADERS.offset])));
}
