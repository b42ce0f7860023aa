import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { upcast } from '@timeline/domain';
import type { Confidence, EffectiveTime, Precision, RecordedEvent, Source } from '@timeline/domain';

/**
 * The topic's record format: CloudEvents 1.0, Kafka protocol binding, binary
 * content mode. Attributes travel as `ce_` headers, the key is the stream id
 * (so one stream stays on one partition, in order), and the value is JSON
 * `{ data, source }`.
 */
export const CE_SPEC_VERSION = '1.0';
export const CE_SOURCE_PREFIX = '/negotiation-timeline/';

export interface RecordValue {
  readonly data: unknown;
  readonly source: Source;
}

export function toKafkaMessage(event: RecordedEvent): Message {
  const headers: IHeaders = {
    ce_specversion: CE_SPEC_VERSION,
    ce_id: event.id,
    ce_type: event.type,
    ce_source: `${CE_SOURCE_PREFIX}${event.streamType}`,
    ce_time: event.recordedAt,
    ce_subject: event.streamId,
    ce_dataschema: dataSchemaUri(event.type, event.schemaVersion),
    ce_schemaversion: String(event.schemaVersion),
    ce_streamtype: event.streamType,
    ce_streamversion: String(event.streamVersion),
    ce_position: event.position,
    ce_effectiveat: event.effectiveAt.at,
    ce_precision: event.effectiveAt.precision,
    ce_recordedat: event.recordedAt,
    ce_actor: event.actor,
    ce_confidence: event.confidence,
    ce_correlationid: event.correlationId,
    'content-type': 'application/json',
  };
  if (event.causationId) headers.ce_causationid = event.causationId;
  if (event.effectiveAt.until) headers.ce_effectiveuntil = event.effectiveAt.until;
  const value: RecordValue = { data: event.data, source: event.source };
  return { key: event.streamId, value: JSON.stringify(value), headers };
}

export function dataSchemaUri(type: string, schemaVersion: number): string {
  return `/v1/schemas/${type}?version=${schemaVersion}`;
}

export class MalformedRecord extends Error {
  constructor(reason: string) {
    super(`malformed timeline record: ${reason}`);
    this.name = 'MalformedRecord';
  }
}

/** Reads a record back into the envelope; throws MalformedRecord naming what is wrong. */
export function fromKafkaMessage(message: KafkaMessage): RecordedEvent {
  const header = (name: string, required = true): string | undefined => {
    const raw = message.headers?.[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === null) {
      if (required) throw new MalformedRecord(`header ${name} is missing`);
      return undefined;
    }
    return value.toString();
  };
  if (header('ce_specversion') !== CE_SPEC_VERSION) throw new MalformedRecord('ce_specversion is not 1.0');
  let value: RecordValue;
  try {
    value = JSON.parse(message.value?.toString() ?? '') as RecordValue;
  } catch {
    throw new MalformedRecord('value is not JSON');
  }
  if (typeof value !== 'object' || value === null || !('data' in value) || !('source' in value)) {
    throw new MalformedRecord('value must be a JSON object with data and source');
  }
  const number = (name: string) => {
    const parsed = Number(header(name));
    if (!Number.isSafeInteger(parsed)) throw new MalformedRecord(`header ${name} is not an integer`);
    return parsed;
  };
  return upcast({
    id: header('ce_id')!,
    type: header('ce_type')!,
    schemaVersion: number('ce_schemaversion'),
    streamId: header('ce_subject')!,
    streamType: header('ce_streamtype')!,
    streamVersion: number('ce_streamversion'),
    position: String(number('ce_position')),
    effectiveAt: effectiveTime(header('ce_effectiveat')!, header('ce_precision') as Precision, header('ce_effectiveuntil', false)),
    recordedAt: header('ce_recordedat')!,
    actor: header('ce_actor')!,
    confidence: header('ce_confidence') as Confidence,
    correlationId: header('ce_correlationid')!,
    causationId: header('ce_causationid', false) ?? null,
    source: value.source,
    data: value.data,
  });
}

function effectiveTime(at: string, precision: Precision, until: string | undefined): EffectiveTime {
  return until ? { at, precision, until } : { at, precision };
}
