import 'reflect-metadata';
import { InvalidConfiguration, loadConfig } from '@timeline/config';
import { exitAfterShutdown, serveWithoutApi } from '@timeline/runtime';

/**
 * The projector as a process of its own: reads the log (a Kafka consumer
 * group, or the events table) into the read models, and serves no HTTP.
 * Several of them in one consumer group share the topic's partitions.
 */
serveWithoutApi(loadConfig({ ...process.env, TIMELINE_ROLES: 'projector' })).then(exitAfterShutdown, (error: unknown) => {
  console.error(error instanceof InvalidConfiguration ? error.message : error);
  process.exit(1);
});
