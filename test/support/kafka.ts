import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { RecordedEvent } from '@timeline/domain';
import { fromKafkaMessage } from '@timeline/log';

export function uniqueTopic(prefix: string): string {
  return `${prefix}.${randomBytes(5).toString('hex')}`;
}

export interface ConsumedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly event: RecordedEvent;
}

/**
 * Reads a topic from the beginning with a consumer group of its own, as any
 * outside system would, until `done` says it has enough or the time runs out.
 */
export async function consumeTopic(
  kafka: Kafka,
  topic: string,
  done: (records: ConsumedRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<ConsumedRecord[]> {
  const consumer = kafka.consumer({ groupId: `test-reader-${randomBytes(5).toString('hex')}` });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} records from ${topic} before the time ran out`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
            records.push({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? '',
              headers,
              event: fromKafkaMessage(message),
            });
            if (done(records)) {
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
  return records;
}
