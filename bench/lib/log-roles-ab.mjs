// `write-path-ab.mjs --kafka`: this checkout and another built one, each with PostgreSQL, the
// relay, the Kafka projector and the SSE feed in this process (lib/log-roles.mjs), rounds
// interleaved with the sides' order swapped every round. Each side has a schema, a topic and
// consumer groups of its own, all dropped at the end.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { databaseUrl, deleteTopics, dropSchemas, kafkaBrokers, require, root, uniqueName } from './environment.mjs';
import { logRolesService } from './log-roles.mjs';
import { formatMs, formatRate, interleave, median, percentile } from './stats.mjs';

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** The consumer groups of this run (the projectors', the feeds'), left on the broker by their members. */
async function deleteGroups(prefix) {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const ours = groups.map((group) => group.groupId).filter((groupId) => groupId.startsWith(prefix));
    if (ours.length > 0) await admin.deleteGroups(ours);
  } catch {
    /* a group that is gone already, or still has a member leaving, is the broker's to expire */
  } finally {
    await admin.disconnect();
  }
}

export async function run(options) {
  const name = uniqueName('bench_logab');
  const rounds = Number(options.rounds);
  const seconds = Number(options.seconds);
  const writes = Number(options.writes);
  const checkouts = [
    ['this checkout', root],
    [`base (${options.base})`, resolve(options.base)],
  ];
  const topics = [];
  const sides = [];
  try {
    for (const [label, checkout] of checkouts) {
      const key = sides.length === 0 ? 'this' : 'base';
      const topic = `${name}_${key}.events`;
      topics.push(topic, `${topic}.dlq`);
      sides.push([
        label,
        await logRolesService(checkout, {
          DATABASE_URL: databaseUrl(),
          DATABASE_SCHEMA: `${name}_${key}`,
          KAFKA_BROKERS: kafkaBrokers().join(','),
          KAFKA_TOPIC: topic,
        }),
      ]);
    }
    console.error(`load average at the start ${load()}`);
    // Not counted: warms each side's connections, consumers and code.
    for (const [, service] of sides) {
      await service.commands(2, 0.5);
      await service.deliveries(10);
    }

    const rows = [];
    const perRound = (what) => (label, round, outcome) =>
      process.stderr.write(
        `  ${what} ${label} round ${round + 1}: ` +
          (outcome.feed
            ? `feed p50 ${formatMs(outcome.feed.p50)} p99 ${formatMs(outcome.feed.p99)}, read models p50 ${formatMs(outcome.projected.p50)} p99 ${formatMs(outcome.projected.p99)}`
            : `${outcome.count} commands, ${formatRate(outcome.count / outcome.seconds, 'commands/s')}, p99 ${formatMs(percentile(outcome.latencies, 0.99))}, ` +
              `read models caught up ${formatMs(outcome.projectedMs)} after the last answer (${formatRate(outcome.projectedRate)} projected)`) +
          `; load ${load()}\n`,
      );
    /**
     * `rounds` rounds of `round(service)` on each side, the order swapped from one round to the next
     * (this, base; base, this; …): the side that goes second in a round runs after the other's
     * writes and their after-effects, so each side goes second equally often. Returns each side's outcomes.
     */
    const alternating = async (what, round) => {
      const outcomes = new Map(sides.map(([label]) => [label, []]));
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? sides : [...sides].reverse();
        await interleave(
          order.map(([label, service]) => ({ name: label, round: () => round(service) })),
          1,
          (label, _, outcome) => {
            outcomes.get(label).push(outcome);
            perRound(what)(label, r, outcome);
          },
        );
      }
      return outcomes;
    };
    /**
     * A row: each side's median over its rounds with the rounds' range, the ratio of the medians, and
     * the median of the rounds' own ratios (this round over the base's round of the same pair).
     */
    const row = (measure, outcomes, value, format) => {
      const [a, b] = sides.map(([label]) => outcomes.get(label).map(value));
      const cell = (values) => `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
      rows.push({
        measure,
        'this (range)': cell(a),
        'base (range)': cell(b),
        'this ÷ base': `${(median(a) / median(b)).toFixed(2)} ×`,
        'per round': `${median(a.map((value, r) => value / b[r])).toFixed(2)} ×`,
      });
    };
    for (const clients of options.clients.split(',').map(Number)) {
      const outcomes = await alternating(`c=${clients}`, (service) => service.commands(clients, seconds));
      const c = `c=${clients}`;
      row(
        `${c}: commands/s`,
        outcomes,
        (o) => o.count / o.seconds,
        (v) => formatRate(v, '').trim(),
      );
      row(`${c}: command p99`, outcomes, (o) => percentile(o.latencies, 0.99), formatMs);
      row(
        `${c}: events projected/s`,
        outcomes,
        (o) => o.projectedRate,
        (v) => formatRate(v, '').trim(),
      );
    }

    const deliveries = await alternating('single writes', (service) => service.deliveries(writes));
    row("single write → feed's subscriber, p50", deliveries, (o) => o.feed.p50, formatMs);
    row("single write → feed's subscriber, p99", deliveries, (o) => o.feed.p99, formatMs);
    row('single write → read models, p50', deliveries, (o) => o.projected.p50, formatMs);
    row('single write → read models, p99', deliveries, (o) => o.projected.p99, formatMs);
    console.table(rows);
    console.log(
      `PostgreSQL + Kafka, roles api, relay, projector, one feed subscriber per side; medians of ${rounds} interleaved rounds ` +
        `(commands: ${seconds} s each; single writes: ${writes} each), the order of the sides swapped every round; ` +
        `load average at the end ${load()}`,
    );
  } finally {
    for (const [, service] of sides) await service.close().catch((error) => console.error(`closing: ${error.message}`));
    await dropSchemas(name);
    await deleteTopics(topics);
    await deleteGroups(name);
  }
}
