// Rebuild of every read model from the Kafka topic (`timeline rebuild --from topic`) after
// `timeline generate` filled the store and the topic; and, for comparison, from the events
// table. The rebuild runs as a child process: its peak resident memory is VmHWM from /proc.
//
// In the same run, a bare kafkajs consumer reads the same topic from the beginning to its end
// doing nothing with the records (the "raw" row): the rebuild's rate is reported as a ratio
// of it, so that the figure says how far the rebuild is from what the broker and the client
// library allow on this machine at this moment.
//
//   BENCH_REBUILD_EVENTS=100000   size of the generated store (default 1,000,000; 20,000 with --quick)
//   BENCH_REBUILD_ROUNDS=3        rounds, each every contender once, interleaved; medians are reported
//   BENCH_REBUILD_BASE_CLI=path   another build's dist/apps/cli/src/main.js, rebuilt in the same rounds (A/B)
import { loadavg } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { dropStore, formatNumber, generatedStore, runCli, services } from '../lib/generated-store.mjs';
import { median } from '../lib/stats.mjs';

const TARGET_RATE = 20_000;
const TARGET_RSS_MB = 512;
const TARGET_RAW_RATIO = 0.25;

// What the profiles say (node --cpu-prof of `timeline rebuild`, summarised by bench/profile-summary.mjs;
// PostgreSQL's share from the CPU time of the rebuild's own backends), kept with the suite so that every
// report carries it. Details and decisions: docs/rebuild-and-time-travel.md.

export async function run({ quick }) {
  const events = Number(process.env.BENCH_REBUILD_EVENTS || (quick ? 20_000 : 1_000_000));
  const rounds = Number(process.env.BENCH_REBUILD_ROUNDS || 1);
  const baseCli = process.env.BENCH_REBUILD_BASE_CLI || undefined;
  const { kafkaBrokers } = services();
  // A full run rebuilds from the topic only (the time-travel suite rebuilds from the table).
  const sources = kafkaBrokers ? (quick ? ['topic', 'table'] : ['topic']) : ['table'];
  const store = await generatedStore({ events, quick, publish: Boolean(kafkaBrokers) });
  const contenders = [
    ...(kafkaBrokers ? [{ name: 'raw', label: 'bare kafkajs consumer, same topic' }] : []),
    ...(baseCli ? sources.map((from) => ({ name: `base-${from}`, from, cli: baseCli, label: `${label(from)} (base build)` })) : []),
    ...sources.map((from) => ({ name: from, from, label: label(from) })),
  ];
  const measured = new Map(contenders.map((contender) => [contender.name, []]));
  const rows = [];
  const notes = [];
  const loads = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const contender of contenders) {
        loads.push(loadAverage());
        const result =
          contender.name === 'raw' ? await rawConsumer(kafkaBrokers, store.topic, events) : await rebuild(contender, store, events);
        measured.get(contender.name).push(result);
        console.log(
          `round ${round + 1}/${rounds} ${contender.name}: ${formatNumber(result.rate)} events/s, ${formatNumber(result.seconds, 1)} s` +
            (result.peakMb ? `, ${formatNumber(result.peakMb)} MB, cpu ${formatNumber(result.cpu, 1)} s` : '') +
            (result.phases ? `, ${result.phases}` : ''),
        );
      }
    }
    const raw = measured.get('raw');
    const rawRate = raw ? median(raw.map((result) => result.rate)) : NaN;
    for (const contender of contenders) {
      const results = measured.get(contender.name);
      const rate = median(results.map((result) => result.rate));
      const seconds = median(results.map((result) => result.seconds));
      const isRaw = contender.name === 'raw';
      const peakMb = isRaw ? NaN : Math.max(...results.map((result) => result.peakMb));
      const cpu = isRaw ? NaN : median(results.map((result) => result.cpu));
      const ratio = rate / rawRate;
      rows.push([
        contender.label,
        formatNumber(events),
        `${formatNumber(seconds, 1)} s`,
        `${formatNumber(rate)} events/s`,
        results.map((result) => formatNumber(result.rate)).join(', '),
        Number.isFinite(ratio) ? `${ratio.toFixed(3)} ×` : '—',
        Number.isFinite(peakMb) ? `${formatNumber(peakMb)} MB` : '—',
        Number.isFinite(cpu) ? `${formatNumber(cpu, 1)} s` : '—',
        contender.from === 'topic'
          ? `${rate >= TARGET_RATE ? 'met' : 'missed'} / ${ratio >= TARGET_RAW_RATIO ? 'met' : 'missed'} / ${peakMb < TARGET_RSS_MB ? 'met' : 'missed'}`
          : '—',
        isRaw ? '' : results[results.length - 1].phases,
      ]);
    }
    notes.push(
      `${formatNumber(events)} events made by \`timeline generate --seed 1\` (parties, commitments with amendments, ` +
        'disbursements, status changes, corrections and retractions, programmes, deployments, occurrences; a decade of ' +
        'recorded times)' +
        (store.generateSeconds
          ? `, generated and published in ${formatNumber(store.generateSeconds, 1)} s.`
          : ', reused from an earlier run.'),
      `${rounds} round${rounds > 1 ? 's' : ''}, each contender once per round, interleaved; time, rate, CPU are medians over the rounds ` +
        `("rates" lists each round), peak RSS the largest. Load average (1 min) at the start of each measurement: ` +
        `${loads.map((load) => load.toFixed(1)).join(', ')}.`,
      `Targets (issues 8, 17): ≥ ${formatNumber(TARGET_RATE)} events/s, ≥ ${TARGET_RAW_RATIO} × the bare consumer's rate in the same run, ` +
        `peak RSS < ${TARGET_RSS_MB} MB, from the topic. ` +
        'Time is the whole command as a child process (start-up, reading, deriving, indexing, switching); ' +
        "peak RSS is the process's VmHWM; rebuild CPU its user + system time (PostgreSQL's work is not in it). " +
        "The bare consumer is kafkajs in the benchmark process with the rebuild's fetch sizes, joining a group of its own and " +
        'reading every partition from the beginning to the end offsets, its eachBatch doing nothing; its time runs from connecting to the last record.',
    );
    if (!kafkaBrokers) notes.push('KAFKA_BROKERS was not set: only the rebuild from the events table ran.');
  } finally {
    if (quick) await dropStore({ schema: store.schema, topic: kafkaBrokers ? store.topic : undefined });
  }
  return {
    section: `Rebuild of the read models (${formatNumber(events)} events)`,
    findings: 'rebuild',
    columns: ['from', 'events', 'time', 'rate', 'rates', 'ratio to raw', 'peak RSS', 'rebuild CPU', 'target rate / ratio / RSS', 'phases'],
    rows,
    notes,
  };
}

function label(from) {
  return from === 'topic' ? 'Kafka topic' : 'events table';
}

function loadAverage() {
  return loadavg()[0];
}

async function rebuild(contender, store, events) {
  const started = performance.now();
  const { output, peakKb } = await runCli(['rebuild', '--from', contender.from], store.env, { cli: contender.cli });
  const seconds = (performance.now() - started) / 1000;
  const rebuilt = /rebuilt (\d+) events/.exec(output);
  const phases = /phases: ([^;]*);/.exec(output)?.[1] ?? '';
  const cpu = Number(/cpu ([\d.]+) s/.exec(output)?.[1] ?? NaN);
  const count = Number(rebuilt?.[1] ?? 0);
  if (count < events) throw new Error(`the rebuild from the ${contender.from} took ${count} events, expected ${events}`);
  return { rate: count / seconds, seconds, peakMb: peakKb / 1024, cpu, phases };
}

/** A consumer that reads the whole topic and does nothing with it: what the broker and kafkajs allow here. */
async function rawConsumer(brokers, topic, events) {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const ends = new Map(offsets.map((entry) => [entry.partition, BigInt(entry.high) - 1n]));
  const pending = new Set(offsets.filter((entry) => BigInt(entry.high) > BigInt(entry.low)).map((entry) => entry.partition));
  const consumer = kafka.consumer({
    groupId: `bench-raw-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    sessionTimeout: 60_000,
    heartbeatInterval: 3_000,
    maxBytes: 12 << 20,
    maxBytesPerPartition: 4 << 20,
    maxWaitTimeInMs: 200,
  });
  const started = performance.now();
  let count = 0;
  let seconds = NaN;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise((resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer
        .run({
          autoCommit: false,
          partitionsConsumedConcurrently: offsets.length,
          eachBatch: async ({ batch }) => {
            if (!pending.has(batch.partition) || batch.messages.length === 0) return;
            count += batch.messages.length;
            if (BigInt(batch.messages[batch.messages.length - 1].offset) >= ends.get(batch.partition)) {
              pending.delete(batch.partition);
              if (pending.size === 0) {
                seconds = (performance.now() - started) / 1000;
                resolve();
              }
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  if (count < events) throw new Error(`the bare consumer read ${count} records, expected ${events}`);
  return { rate: count / seconds, seconds };
}
