// Rebuild of every read model from the Kafka topic (`timeline rebuild --from topic`) after
// `timeline generate` filled the store and the topic; and, for comparison, from the events
// table. The rebuild runs as a child process: its peak resident memory is VmHWM from /proc.
import { dropStore, formatNumber, generatedStore, runCli, services } from '../lib/generated-store.mjs';

const TARGET_RATE = 20_000;
const TARGET_RSS_MB = 512;

// What the profiles say (node --cpu-prof of `timeline rebuild`, summarised by bench/profile-summary.mjs;
// PostgreSQL's share from the CPU time of the rebuild's own backends), kept with the suite so that every
// report carries it. Details and decisions: docs/rebuild-and-time-travel.md.

export async function run({ quick }) {
  const events = quick ? 20_000 : 1_000_000;
  const { kafkaBrokers } = services();
  // A full run rebuilds a million events once, from the topic (the time-travel suite rebuilds from the table).
  const sources = kafkaBrokers ? (quick ? ['topic', 'table'] : ['topic']) : ['table'];
  const store = await generatedStore({ events, quick, publish: Boolean(kafkaBrokers) });
  const rows = [];
  const notes = [];
  try {
    for (const from of sources) {
      const started = performance.now();
      const { output, peakKb } = await runCli(['rebuild', '--from', from], store.env);
      const seconds = (performance.now() - started) / 1000;
      const rebuilt = /rebuilt (\d+) events/.exec(output);
      const phases = /phases: ([^;]*);/.exec(output)?.[1] ?? '';
      const cpu = Number(/cpu ([\d.]+) s/.exec(output)?.[1] ?? NaN);
      const count = Number(rebuilt?.[1] ?? 0);
      if (count < events) throw new Error(`the rebuild from the ${from} took ${count} events, expected ${events}`);
      const rate = count / seconds;
      const peakMb = peakKb / 1024;
      rows.push([
        from === 'topic' ? 'Kafka topic' : 'events table',
        formatNumber(count),
        `${formatNumber(seconds, 1)} s`,
        `${formatNumber(rate)} events/s`,
        `${formatNumber(peakMb)} MB`,
        `${formatNumber(cpu, 1)} s`,
        from === 'topic' ? `${rate >= TARGET_RATE ? 'met' : 'missed'} / ${peakMb < TARGET_RSS_MB ? 'met' : 'missed'}` : '—',
        phases,
      ]);
    }
    notes.push(
      `${formatNumber(events)} events made by \`timeline generate --seed 1\` (parties, commitments with amendments, ` +
        'disbursements, status changes, corrections and retractions, programmes, deployments, occurrences; a decade of ' +
        'recorded times)' +
        (store.generateSeconds
          ? `, generated and published in ${formatNumber(store.generateSeconds, 1)} s.`
          : ', reused from an earlier run.'),
      `Targets (issue 8): ≥ ${formatNumber(TARGET_RATE)} events/s with peak RSS < ${TARGET_RSS_MB} MB, from the topic. ` +
        'Time is the whole command as a child process (start-up, reading, deriving, indexing, switching); ' +
        "peak RSS is the process's VmHWM; rebuild CPU its user + system time (PostgreSQL's work is not in it).",
    );
    if (!kafkaBrokers) notes.push('KAFKA_BROKERS was not set: only the rebuild from the events table ran.');
  } finally {
    if (quick) await dropStore({ schema: store.schema, topic: kafkaBrokers ? store.topic : undefined });
  }
  return {
    section: `Rebuild of the read models (${formatNumber(events)} events)`,
    findings: 'rebuild',
    columns: ['from', 'events', 'time', 'rate', 'peak RSS', 'rebuild CPU', 'target rate / RSS', 'phases'],
    rows,
    notes,
  };
}
