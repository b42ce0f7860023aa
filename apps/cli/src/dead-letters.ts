import type { Command } from 'commander';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '@timeline/config';
import { openDatabase } from '@timeline/event-store';
import { createKafka, DLQ_HEADERS, followToEnds, readerGroupFor, TopicLog, topicEnds } from '@timeline/log';

const DLQ_HEADER_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

/** The record as it was on the topic: the dead-letter headers taken off. */
export function originalRecord(message: KafkaMessage): { key: Buffer | null; value: Buffer | null; headers: IHeaders } {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!DLQ_HEADER_NAMES.has(name) && value !== undefined) headers[name] = value;
  }
  return { key: message.key, value: message.value, headers };
}

/**
 * `timeline dead-letters` lists what the projector set aside; `replay` puts
 * the dead letters back on the topic as they were (after a release that can
 * read them), so the projectors read them again. A record still unreadable
 * comes back to the dead-letter topic with its reason.
 */
export function registerDeadLetterCommands(program: Command): void {
  const deadLetters = program.command('dead-letters').description('records the projector could not read (see docs/operations.md)');

  deadLetters
    .command('list', { isDefault: true })
    .description('the dead letters noted in the database: topic, partition, offset, reason')
    .action(async () => {
      const config = loadConfig();
      const db = await openDatabase({
        url: config.databaseUrl,
        dataDir: config.dataDir,
        schema: config.databaseSchema,
        applicationName: config.databaseApplicationName,
      });
      try {
        const { rows } = await db.pool.query<{
          topic: string;
          partition: number;
          record_offset: string;
          reason: string;
          dead_letter_topic: string;
          recorded_at: Date;
        }>(
          'SELECT topic, partition, record_offset::text, reason, dead_letter_topic, recorded_at FROM dead_letters ORDER BY recorded_at, topic, partition, record_offset',
        );
        if (rows.length === 0) console.log('no dead letters');
        for (const row of rows) {
          console.log(
            [
              row.recorded_at.toISOString(),
              `${row.topic}[${row.partition}]@${row.record_offset}`,
              `-> ${row.dead_letter_topic}`,
              row.reason,
            ].join('\t'),
          );
        }
      } finally {
        await db.close();
      }
    });

  deadLetters
    .command('replay')
    .description('put every record of the dead-letter topic back on the topic it came from, as it was')
    .option('--dry-run', 'count what would be replayed, send nothing')
    .action(async (options: { dryRun?: boolean }) => {
      const config = loadConfig();
      if (!config.kafka) throw new Error('dead letters exist only with Kafka: set KAFKA_BROKERS');
      const kafka = createKafka(config.kafka);
      const dlqTopic = config.kafka.deadLetterTopic;
      // Each partition is read to the end it had when the replay began.
      const ends = await topicEnds(kafka, dlqTopic);
      const total = [...ends.values()].reduce((sum, { high, low }) => sum + Number(high - low), 0);
      if (total === 0) {
        console.log(`${dlqTopic} is empty: nothing to replay`);
        return;
      }
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      const deadLetterTopic = new TopicLog(kafka, {
        topic: dlqTopic,
        groupId: readerGroupFor(dlqTopic, 'replay', String(Date.now())),
        commitOffsets: true,
        records: 'raw',
      });
      const bar = new SingleBar(
        { format: 'replay |{bar}| {value}/{total} dead letters', noTTYOutput: true, notTTYSchedule: 2000 },
        Presets.shades_classic,
      );
      let replayed = 0;
      await producer.connect();
      try {
        bar.start(total, 0);
        await followToEnds(deadLetterTopic, ends, async ({ partition, messages }) => {
          const end = ends.get(partition)!.high;
          for (const message of messages) {
            if (BigInt(message.offset) >= end) break;
            const target = message.headers?.[DLQ_HEADERS.topic]?.toString() ?? config.kafka!.topic;
            if (!options.dryRun) await producer.send({ topic: target, acks: -1, messages: [originalRecord(message)] });
            bar.update(++replayed);
          }
        });
      } finally {
        bar.stop();
        await producer.disconnect();
      }
      console.log(`${options.dryRun ? 'would replay' : 'replayed'} ${replayed} dead letter(s) from ${config.kafka.deadLetterTopic}`);
    });
}
