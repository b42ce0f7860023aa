import type { KafkaMessage, Message } from 'kafkajs';
import { CloudEvent, Kafka as KafkaBinding } from 'cloudevents';
import type { KafkaMessage as CloudEventsKafkaMessage } from 'cloudevents';
import type { RecordedEvent } from '@timeline/domain';
import { dataSchemaUri, fromKafkaMessage, MalformedRecord, toKafkaMessage } from './cloudevents';

// Made-up test data: no real source says this.
const event: RecordedEvent = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  type: 'CommitmentRecorded',
  schemaVersion: 1,
  streamId: 'commitment-0190a1b2-0000-7000-8000-00000000000a',
  streamType: 'commitment',
  streamVersion: 1,
  position: '12',
  effectiveAt: { at: '2021-09-01T00:00:00.000Z', precision: 'range', until: '2021-10-01T00:00:00.000Z' },
  recordedAt: '2026-01-01T00:00:00.000Z',
  actor: 'tester',
  confidence: 'reported',
  correlationId: '0190a1b2-0000-7000-8000-000000000002',
  causationId: null,
  source: { title: 'Made-up test source' },
  data: { commitmentId: '0190a1b2-0000-7000-8000-00000000000a' },
};

/** The message as a consumer receives it: headers and value as Buffers. */
function received(message: Message, headers: Record<string, string | undefined> = {}): KafkaMessage {
  const merged: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries({ ...(message.headers as Record<string, string>), ...headers })) {
    if (value !== undefined) merged[name] = Buffer.from(String(value));
  }
  return {
    key: Buffer.from(String(message.key)),
    value: Buffer.from(String(message.value)),
    headers: merged,
    offset: '0',
    timestamp: '0',
    attributes: 0,
  };
}

/** What a third-party consumer does: the SDK's Kafka binding, then its validation. */
function readWithTheSdk(message: KafkaMessage): CloudEvent<unknown> {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
  const value = message.value!.toString();
  const sdkMessage: CloudEventsKafkaMessage<string> = { headers, key: message.key!.toString(), value, body: value };
  const read = KafkaBinding.toEvent(sdkMessage) as CloudEvent<unknown>;
  read.validate();
  return read;
}

describe('CloudEvents records', () => {
  it('use an absolute ce_dataschema: a URN without a public base URL, a URL under it with one', () => {
    expect(dataSchemaUri('CommitmentRecorded', 2)).toBe('urn:negotiation-timeline:schema:CommitmentRecorded:v2');
    expect(dataSchemaUri('CommitmentRecorded', 2, 'https://timeline.example.org/api')).toBe(
      'https://timeline.example.org/api/v1/schemas/CommitmentRecorded?version=2',
    );
    expect(toKafkaMessage(event).headers!.ce_dataschema).toBe('urn:negotiation-timeline:schema:CommitmentRecorded:v1');
  });

  it.each([undefined, 'https://timeline.example.org'])(
    'are read back unchanged, and validate with the SDK (base URL %s)',
    (publicBaseUrl) => {
      const message = toKafkaMessage(event, { publicBaseUrl });
      expect(message.key).toBe(event.streamId);
      expect(message.headers).toMatchObject({
        'content-type': 'application/json',
        ce_specversion: '1.0',
        ce_id: event.id,
        ce_time: event.recordedAt,
      });
      // The binding maps datacontenttype to content-type and partitionkey to the key: no ce_ header repeats them.
      expect(Object.keys(message.headers!)).not.toEqual(expect.arrayContaining(['ce_datacontenttype']));
      expect(Object.keys(message.headers!)).not.toEqual(expect.arrayContaining(['ce_partitionkey']));
      expect(fromKafkaMessage(received(message))).toEqual(event);
      const read = readWithTheSdk(received(message));
      expect(read).toMatchObject({
        id: event.id,
        type: event.type,
        subject: event.streamId,
        partitionkey: event.streamId,
        datacontenttype: 'application/json',
      });
      expect(read.data).toEqual({ data: event.data, source: event.source });
    },
  );

  it('are refused by the SDK with the relative ce_dataschema of earlier releases, which this release still reads', () => {
    const legacy = received(toKafkaMessage(event), { ce_dataschema: '/v1/schemas/CommitmentRecorded?version=1' });
    expect(() => readWithTheSdk(legacy)).toThrow(/invalid payload/);
    expect(fromKafkaMessage(legacy)).toEqual(event);
  });

  it.each([
    [
      'a ce_dataschema that is no URI',
      { ce_dataschema: 'not a uri' },
      /not a valid CloudEvent: header ce_dataschema must match format "uri"/,
    ],
    ['no ce_id', { ce_id: undefined }, /header ce_id is missing/],
    ['no ce_source', { ce_source: undefined }, /header ce_source is missing/],
    ['no ce_type', { ce_type: undefined }, /header ce_type is missing/],
    ['a ce_time that is no time', { ce_time: 'yesterday' }, /header ce_time is not a time: "yesterday"/],
    ['no ce_specversion', { ce_specversion: undefined }, /ce_specversion is missing/],
    ['another ce_specversion', { ce_specversion: '0.3' }, /ce_specversion is not 1.0/],
    ['no ce_position', { ce_position: undefined }, /ce_position is missing/],
  ])('refuses a record with %s, naming the problem', (_, headers, problem) => {
    const broken = received(toKafkaMessage(event), headers);
    expect(() => fromKafkaMessage(broken)).toThrow(MalformedRecord);
    expect(() => fromKafkaMessage(broken)).toThrow(problem);
  });
});
