// A built checkout of the service in this process with every role that reads or writes the log:
// the api (the command bus and the SSE feed), the relay and the projector. For A/B runs that load
// two checkouts side by side: every module, Nest's included, comes from the checkout's own build
// and node_modules.
import { v7 as uuidv7 } from 'uuid';
import { serviceWithCommandBus } from './command-bus.mjs';
import { closedLoop, percentile } from './stats.mjs';
import { commitmentWrite, nextCommitmentId } from './workload.mjs';

let writers = 0;

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Resolves when `ready()` holds, looking every `everyMs`; rejects after `timeoutMs`. */
async function until(ready, { everyMs = 1, timeoutMs = 30_000, what }) {
  const began = performance.now();
  while (!(await ready())) {
    if (performance.now() - began > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/**
 * `checkout`: the root of a built checkout. `env`: its configuration (DATABASE_URL, DATABASE_SCHEMA,
 * KAFKA_BROKERS, KAFKA_TOPIC…); the roles are api, relay and projector unless `env` says otherwise.
 */
export async function logRolesService(checkout, env) {
  const { runtime, app, execute } = await serviceWithCommandBus(checkout, { TIMELINE_ROLES: 'api,relay,projector', ...env });
  const pool = runtime.db.pool;
  const { rows } = await pool.query(
    `SELECT g.schema_name FROM projection_state s JOIN projection_generations g ON g.generation = s.active_generation`,
  );
  const readModels = rows[0]?.schema_name;
  if (!readModels) throw new Error('no active read-model generation');

  // One subscriber of the feed, as one SSE connection is: it notes when the stream it waits for arrives.
  const awaited = new Map();
  const unsubscribe = runtime.feed.subscribe((item) => awaited.get(item.event.streamId)?.(performance.now()));

  const relayPublished = async () => {
    const head = BigInt(await runtime.store.headPosition());
    await until(async () => BigInt(runtime.relay.getStatus().checkpoint) >= head, {
      everyMs: 2,
      timeoutMs: 60_000,
      what: 'the relay publishing',
    });
  };
  const projectedAll = async () => {
    await until(async () => (await runtime.projectorLag()).every((partition) => partition.lag === 0), {
      everyMs: 10,
      timeoutMs: 120_000,
      what: 'the projector catching up',
    });
  };
  const fedAll = async () => {
    const head = BigInt(await runtime.store.headPosition());
    await until(async () => BigInt(runtime.feed.position) >= head, { everyMs: 10, timeoutMs: 60_000, what: 'the feed catching up' });
  };

  return {
    runtime,
    /**
     * `concurrency` clients send commands for `seconds`; the round ends when the relay has put every
     * event of it on the topic (the rate is of events stored and published, as in suites/append.mjs).
     * Then, not counted in the rate: `projectedMs`, from the last answer until the read models have
     * caught up with the round, `projectedRate`, the round's events per second from its start to
     * then, and a wait for the feed.
     */
    commands: async (concurrency, seconds) => {
      const state = Array.from({ length: concurrency }, () => ({ index: writers++, id: undefined }));
      const outcome = await closedLoop({
        concurrency,
        seconds,
        operation: async (worker, n) => {
          const writer = state[worker];
          writer.id = nextCommitmentId(writer.id, n);
          const answer = await execute(commitmentWrite(writer.index, n), writer.id);
          if (answer.version < 1) throw new Error(`write not applied: ${JSON.stringify(answer)}`);
        },
      });
      const answered = performance.now();
      await relayPublished();
      const published = performance.now();
      await projectedAll();
      const projectedMs = performance.now() - answered;
      await fedAll();
      return {
        ...outcome,
        seconds: outcome.seconds + (published - answered) / 1000,
        projectedMs,
        // The projector is behind from the round's first commands: its rate is the round's events over the time to catch up with them.
        projectedRate: outcome.count / (outcome.seconds + projectedMs / 1000),
      };
    },
    /**
     * `count` new commitments, one at a time, each after the one before has reached the feed's
     * subscriber and the read models: per write, the time from its answer to its event handed to
     * the subscriber (`feed`) and to its stream's row committed in the read models (`projected`).
     */
    deliveries: async (count) => {
      const feed = [];
      const projected = [];
      const began = performance.now();
      for (let i = 0; i < count; i++) {
        const id = uuidv7();
        const streamId = `commitment-${id}`;
        const before = runtime.projector.getStatus().projected;
        const arrived = new Promise((done) => awaited.set(streamId, done));
        const answer = await execute(commitmentWrite(writers++, 0), id);
        const accepted = performance.now();
        if (answer.version !== 1) throw new Error(`write not applied: ${JSON.stringify(answer)}`);
        const inReadModels = (async () => {
          // Counted in the projection's transaction, before its commit; the row shows once committed.
          await until(async () => runtime.projector.getStatus().projected > before, { what: 'the projection of one write' });
          await until(
            async () =>
              (await pool.query(`SELECT EXISTS (SELECT 1 FROM "${readModels}".stream_events WHERE stream_id = $1) AS seen`, [streamId]))
                .rows[0].seen,
            { what: 'the projected row' },
          );
          return performance.now();
        })();
        const [fedAt, projectedAt] = await Promise.all([
          Promise.race([arrived, sleep(30_000).then(() => Promise.reject(new Error('the feed did not deliver within 30 s')))]),
          inReadModels,
        ]);
        awaited.delete(streamId);
        // An event can reach the subscriber before its command's answer: a latency of zero.
        feed.push(Math.max(0, fedAt - accepted));
        projected.push(Math.max(0, projectedAt - accepted));
      }
      return {
        count,
        seconds: (performance.now() - began) / 1000,
        latencies: feed,
        feed: { p50: percentile(feed, 0.5), p99: percentile(feed, 0.99) },
        projected: { p50: percentile(projected, 0.5), p99: percentile(projected, 0.99) },
      };
    },
    /** Not counted: the read models and the feed have caught up with everything written. */
    settle: async () => {
      await relayPublished();
      await projectedAll();
      await fedAll();
    },
    close: async () => {
      unsubscribe();
      await app.close();
      await runtime.close();
    },
  };
}
