import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { KafkaConfig } from '@timeline/config';

export function createKafka(config: Pick<KafkaConfig, 'brokers' | 'clientId'>): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.ERROR,
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
