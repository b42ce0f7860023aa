import { InvalidConfiguration, loadConfig } from './config';

const KAFKA = { KAFKA_BROKERS: '127.0.0.1:9092' };

describe('operations settings', () => {
  it('has defaults that suit one projector group on one topic', () => {
    const config = loadConfig(KAFKA);
    expect(config.kafka).toMatchObject({ deadLetterTopic: 'timeline.events.dlq', sessionTimeoutMs: 30_000 });
    expect(config).toMatchObject({
      databaseApplicationName: 'negotiation-timeline',
      readyMaxProjectorLag: 10_000,
      shutdownTimeoutMs: 25_000,
      metricsPort: undefined,
    });
  });

  it('names the dead-letter topic after the topic unless told', () => {
    expect(loadConfig({ ...KAFKA, KAFKA_TOPIC: 'orders' }).kafka?.deadLetterTopic).toBe('orders.dlq');
    expect(loadConfig({ ...KAFKA, KAFKA_DLQ_TOPIC: 'poison' }).kafka?.deadLetterTopic).toBe('poison');
  });

  it('refuses settings that cannot work, naming each variable', () => {
    const problems = (() => {
      try {
        loadConfig({
          ...KAFKA,
          KAFKA_TOPIC: 'same',
          KAFKA_DLQ_TOPIC: 'same',
          KAFKA_SESSION_TIMEOUT_MS: '1000',
          READY_MAX_PROJECTOR_LAG: '-1',
          SHUTDOWN_TIMEOUT_MS: 'soon',
          METRICS_PORT: '70000',
          DATABASE_APPLICATION_NAME: 'x'.repeat(51),
        });
      } catch (error) {
        return (error as InvalidConfiguration).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'KAFKA_SESSION_TIMEOUT_MS="1000" must be a whole number from 6000 to 300000',
      'KAFKA_DLQ_TOPIC must differ from KAFKA_TOPIC',
      'DATABASE_APPLICATION_NAME must be 1 to 50 printable ASCII characters',
      'READY_MAX_PROJECTOR_LAG="-1" must be a whole number from 0 to 1000000000',
      'SHUTDOWN_TIMEOUT_MS="soon" must be a whole number from 1000 to 600000',
      'METRICS_PORT="70000" must be a whole number from 0 to 65535',
    ]);
  });

  it('refuses a dead-letter topic without a broker', () => {
    expect(() => loadConfig({ KAFKA_DLQ_TOPIC: 'poison' })).toThrow(/KAFKA_DLQ_TOPIC is set but KAFKA_BROKERS is not/);
  });
});
