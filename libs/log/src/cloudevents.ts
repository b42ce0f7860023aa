import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { CloudEvent, Kafka as KafkaBinding, ValidationError } from 'cloudevents';
import type { KafkaMessage as CloudEventsKafkaMessage } from 'cloudevents';
import { upcast } from '@timeline/domain';
import type { Confidence, EffectiveTime, Precision, RecordedEvent, Source } from '@timeline/domain';

/**
 * The topic's record format: CloudEvents 1.0, Kafka protocol binding, binary
 * content mode, encoded and decoded with the official `cloudevents` SDK (its
 * `CloudEvent` validates every attribute, its Kafka binding maps them to
 * headers). Attributes travel as `ce_` headers, `datacontenttype` as
 * `content-type`, the key is the stream id (the `partitionkey` extension, so one
 * stream stays on one partition, in order), and the value is JSON
 * `{ data, source }`.
 *
 * Extension attributes are all strings: CloudEvents' Integer is 32-bit, and
 * positions and offsets may outgrow it (and JavaScript numbers beyond 2^53).
 */
export const CE_SPEC_VERSION = '1.0';
export const CE_SOURCE_PREFIX = '/negotiation-timeline/';
export const CE_DATASCHEMA_URN_PREFIX = 'urn:negotiation-timeline:schema:';

export interface RecordValue {
  readonly data: unknown;
  readonly source: Source;
}

export interface RecordOptions {
  /** The service's public base URL (TIMELINE_PUBLIC_BASE_URL, no trailing slash); absent: `ce_dataschema` is a URN. */
  readonly publicBaseUrl?: string;
}

/**
 * Headers the SDK's binding writes that the protocol binding maps elsewhere:
 * `datacontenttype` is the `content-type` header, `partitionkey` is the key.
 */
const MAPPED_ELSEWHERE = new Set(['ce_datacontenttype', 'ce_partitionkey']);

export function toCloudEvent(event: RecordedEvent, options: RecordOptions = {}): CloudEvent<RecordValue> {
  const value: RecordValue = { data: event.data, source: event.source };
  return new CloudEvent<RecordValue>({
    specversion: CE_SPEC_VERSION,
    id: event.id,
    type: event.type,
    source: `${CE_SOURCE_PREFIX}${event.streamType}`,
    time: event.recordedAt,
    subject: event.streamId,
    dataschema: dataSchemaUri(event.type, event.schemaVersion, options.publicBaseUrl),
    datacontenttype: 'application/json',
    data: value,
    partitionkey: event.streamId,
    schemaversion: String(event.schemaVersion),
    streamtype: event.streamType,
    streamversion: String(event.streamVersion),
    position: event.position,
    effectiveat: event.effectiveAt.at,
    precision: event.effectiveAt.precision,
    recordedat: event.recordedAt,
    actor: event.actor,
    confidence: event.confidence,
    correlationid: event.correlationId,
    ...(event.causationId ? { causationid: event.causationId } : {}),
    ...(event.effectiveAt.until ? { effectiveuntil: event.effectiveAt.until } : {}),
  });
}

export function toKafkaMessage(event: RecordedEvent, options: RecordOptions = {}): Message {
  const encoded = KafkaBinding.binary(toCloudEvent(event, options));
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(encoded.headers)) {
    if (value !== undefined && value !== null && !MAPPED_ELSEWHERE.has(name)) headers[name] = String(value);
  }
  return { key: event.streamId, value: JSON.stringify(encoded.value), headers };
}

/**
 * Where the JSON Schema of a type's version is: an absolute URL on the
 * service when its public base URL is known, else a URN (the spec requires an
 * absolute URI; the schema is then served at `/v1/schemas/<type>?version=<n>`).
 */
export function dataSchemaUri(type: string, schemaVersion: number, publicBaseUrl?: string): string {
  return publicBaseUrl
    ? `${publicBaseUrl}/v1/schemas/${type}?version=${schemaVersion}`
    : `${CE_DATASCHEMA_URN_PREFIX}${type}:v${schemaVersion}`;
}

/** Records written before ce_dataschema was absolute carry this relative form; they are still read. */
const LEGACY_DATASCHEMA = /^\/v1\/schemas\/([A-Za-z]+)\?version=(\d+)$/;

export class MalformedRecord extends Error {
  constructor(reason: string) {
    super(`malformed timeline record: ${reason}`);
    this.name = 'MalformedRecord';
  }
}

/** The record as the SDK's Kafka binding reads it, validated; throws MalformedRecord naming what is wrong. */
export function cloudEventOf(message: KafkaMessage): CloudEvent<RecordValue> {
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && value !== null) headers[name] = value.toString();
  }
  if (headers.ce_specversion === undefined) throw new MalformedRecord('header ce_specversion is missing');
  if (headers.ce_specversion !== CE_SPEC_VERSION) throw new MalformedRecord('ce_specversion is not 1.0');
  // The SDK's binding says only "No CloudEvent detected" or "Invalid time value" for these: name the header.
  for (const name of ['id', 'source', 'type']) {
    if (!headers[`ce_${name}`]) throw new MalformedRecord(`header ce_${name} is missing`);
  }
  if (headers.ce_time !== undefined && Number.isNaN(Date.parse(headers.ce_time))) {
    throw new MalformedRecord(`header ce_time is not a time: ${JSON.stringify(headers.ce_time.slice(0, 40))}`);
  }
  const text = message.value?.toString() ?? '';
  try {
    JSON.parse(text);
  } catch {
    throw new MalformedRecord('value is not JSON');
  }
  const key = message.key?.toString() ?? '';
  let event: CloudEvent<RecordValue>;
  try {
    const received: CloudEventsKafkaMessage<string> = { headers, key, value: text, body: text };
    event = KafkaBinding.toEvent(received) as CloudEvent<RecordValue>;
  } catch (error) {
    throw new MalformedRecord(describe(error));
  }
  try {
    event.validate();
  } catch (error) {
    const legacy = typeof event.dataschema === 'string' ? LEGACY_DATASCHEMA.exec(event.dataschema) : null;
    if (!legacy) throw new MalformedRecord(`not a valid CloudEvent: ${describe(error)}`);
    try {
      event.cloneWith({ dataschema: dataSchemaUri(legacy[1], Number(legacy[2])) }).validate();
    } catch (again) {
      throw new MalformedRecord(`not a valid CloudEvent: ${describe(again)}`);
    }
  }
  return event;
}

function describe(error: unknown): string {
  if (error instanceof ValidationError) {
    const details = (error.errors ?? []).map(describeDetail);
    return details.length ? details.join('; ') : error.message;
  }
  return (error as Error).message;
}

/** One schema finding of the SDK, said in the record's terms: the header it concerns and what is wrong with it. */
function describeDetail(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  const finding = detail as { instancePath?: string; keyword?: string; params?: Record<string, unknown>; message?: string };
  if (finding.keyword === 'required' && typeof finding.params?.missingProperty === 'string') {
    return `header ce_${finding.params.missingProperty} is missing`;
  }
  const attribute = (finding.instancePath ?? '').replace(/^\//, '');
  return attribute ? `header ce_${attribute} ${finding.message ?? 'is not valid'}` : (finding.message ?? JSON.stringify(detail));
}

/** Reads a record back into the envelope; throws MalformedRecord naming what is wrong. */
export function fromKafkaMessage(message: KafkaMessage): RecordedEvent {
  const event = cloudEventOf(message);
  const attributes = event as unknown as Record<string, unknown>;
  const attribute = (name: string, required = true): string | undefined => {
    const value = attributes[name];
    if (value === undefined || value === null || value === '') {
      if (required) throw new MalformedRecord(`header ce_${name} is missing`);
      return undefined;
    }
    if (typeof value !== 'string') throw new MalformedRecord(`header ce_${name} is not a text`);
    return value;
  };
  const value = event.data as unknown;
  if (typeof value !== 'object' || value === null || !('data' in value) || !('source' in value)) {
    throw new MalformedRecord('value must be a JSON object with data and source');
  }
  const number = (name: string) => {
    const parsed = Number(attribute(name));
    if (!Number.isSafeInteger(parsed)) throw new MalformedRecord(`header ce_${name} is not an integer`);
    return parsed;
  };
  const record = value as RecordValue;
  return upcast({
    id: attribute('id')!,
    type: attribute('type')!,
    schemaVersion: number('schemaversion'),
    streamId: attribute('subject')!,
    streamType: attribute('streamtype')!,
    streamVersion: number('streamversion'),
    position: String(number('position')),
    effectiveAt: effectiveTime(attribute('effectiveat')!, attribute('precision') as Precision, attribute('effectiveuntil', false)),
    recordedAt: attribute('recordedat')!,
    actor: attribute('actor')!,
    confidence: attribute('confidence') as Confidence,
    correlationId: attribute('correlationid')!,
    causationId: attribute('causationid', false) ?? null,
    source: record.source,
    data: record.data,
  });
}

function effectiveTime(at: string, precision: Precision, until: string | undefined): EffectiveTime {
  return until ? { at, precision, until } : { at, precision };
}
