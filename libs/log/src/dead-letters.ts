import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { RecordedEvent } from '@timeline/domain';
import { UnknownSchemaVersion } from '@timeline/domain';
import { EVENT_TYPES } from '@timeline/event-schemas';
import { fromKafkaMessage, MalformedRecord } from './cloudevents';

/** A record of the topic read into an event, or the reason it cannot be (a poison record). */
export type ReadRecord = { readonly event: RecordedEvent } | { readonly poison: string };

const KNOWN_TYPES = new Set(EVENT_TYPES);

/**
 * Reads a record as a projector must: a record that is not a well-formed
 * CloudEvent, names an event type this release does not know, or carries a
 * schema version it cannot upcast is poison. Poison goes to the dead-letter
 * topic; it must never stop the partition behind it.
 */
export function readRecord(message: KafkaMessage): ReadRecord {
  let event: RecordedEvent;
  try {
    event = fromKafkaMessage(message);
  } catch (error) {
    if (error instanceof MalformedRecord || error instanceof UnknownSchemaVersion) return { poison: error.message };
    return { poison: `unreadable record: ${(error as Error).message}` };
  }
  // Unknown schema versions of known types were refused by the upcaster above.
  if (!KNOWN_TYPES.has(event.type)) return { poison: `unknown event type ${event.type}` };
  return { event };
}

export interface DeadLetterOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly groupId: string;
  readonly reason: string;
}

/** Headers added to a dead letter; the original key, value and headers are kept as they were. */
export const DLQ_HEADERS = {
  reason: 'dlq_reason',
  topic: 'dlq_original_topic',
  partition: 'dlq_original_partition',
  offset: 'dlq_original_offset',
  timestamp: 'dlq_original_timestamp',
  group: 'dlq_consumer_group',
  failedAt: 'dlq_failed_at',
} as const;

export function deadLetter(message: KafkaMessage, origin: DeadLetterOrigin, now: Date): Message {
  const headers: IHeaders = { ...(message.headers ?? {}) };
  headers[DLQ_HEADERS.reason] = origin.reason;
  headers[DLQ_HEADERS.topic] = origin.topic;
  headers[DLQ_HEADERS.partition] = String(origin.partition);
  headers[DLQ_HEADERS.offset] = message.offset;
  headers[DLQ_HEADERS.timestamp] = message.timestamp;
  headers[DLQ_HEADERS.group] = origin.groupId;
  headers[DLQ_HEADERS.failedAt] = now.toISOString();
  return { key: message.key, value: message.value, headers };
}
