import { Kafka, logLevel, type Admin, type logCreator } from 'kafkajs';
import type { KafkaConfig } from '@timeline/config';

export type KafkaLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string, details: Record<string, unknown>) => void;

/** kafkajs' own messages, through the process's logger (so they are JSON lines like the rest). */
function logCreatorFor(log: KafkaLog): logCreator {
  const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
    [logLevel.ERROR]: 'error',
    [logLevel.WARN]: 'warn',
    [logLevel.INFO]: 'info',
    [logLevel.DEBUG]: 'debug',
  };
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...details } = entry;
      log(levels[level] ?? 'info', `kafkajs ${namespace}: ${message}`, details);
    };
}

export function createKafka(config: Pick<KafkaConfig, 'brokers' | 'clientId'>, log?: KafkaLog): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.ERROR,
    ...(log ? { logCreator: logCreatorFor(log) } : {}),
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

/** Creates the topic when it is missing; an existing topic is left as it is. */
export async function ensureTopic(kafka: Kafka, config: Pick<KafkaConfig, 'topic' | 'partitions' | 'replicationFactor'>): Promise<boolean> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (topics.includes(config.topic)) return false;
    return await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: config.topic,
          numPartitions: config.partitions,
          replicationFactor: config.replicationFactor,
          // The topic is the log others replay from: keep it.
          configEntries: [
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'retention.ms', value: '-1' },
          ],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}
