// Rebuild of every read model from the Kafka topic (`timeline rebuild --from topic`) after
// `timeline generate` filled the store and the topic; and, for comparison, from the events
// table. The rebuild runs as a child process: its peak resident memory is VmHWM from /proc.
import { dropStore, formatNumber, generatedStore, runCli, services } from '../lib/generated-store.mjs';

const TARGET_RATE = 20_000;
const TARGET_RSS_MB = 512;

// What the profiles say (node --cpu-prof of `timeline rebuild`, summarised by bench/profile-summary.mjs;
// PostgreSQL's share from the CPU time of the rebuild's own backends), kept with the suite so that every
// report carries it. Details and decisions: docs/rebuild-and-time-travel.md.
const REBUILD_FINDINGS = [
  '**What was changed.** (1) Rows go to PostgreSQL with `COPY … FROM STDIN` (pg-copy-streams) instead of array parameters, which `pg` escaped into array literals held whole ' +
    'in memory (a fifth of the rebuild\'s CPU and much of its garbage); `timeline.search` became a generated column so that COPY need not send it. ' +
    '(2) The rebuild runs in a worker thread whose old generation is capped at 256 MB: the live set is a page of streams and their rows, but V8 let the heap grow to ' +
    '690 MB at 200,000 events before collecting; with the cap, 254–285 MB. (3) The fixed 5 s wait at the end of a rebuild from the topic (an empty fetch\'s default wait) is gone. ' +
    '(4) The CLI loads NestJS only for the commands that run the service. At 200,000 events from the topic, on a loaded machine, these took the rebuild from 262 s to 162 s, ' +
    'its own CPU from 77 s to 46 s, and its peak RSS from 689 MB to 285 MB.',
  '**Where the time goes now.** In the profile of a 20,000-event rebuild (the rebuild thread, share of busy samples): garbage collection about 30 %; deriving the rows ' +
    '(`streamRows`: each append\'s valid-time segments as known after it, by the same folds the live projector and the oracle test use) about 23 %, of which ' +
    '`temporalSegments` about 11 %; turning rows into COPY text about 9 %; decoding Kafka records about 9 %; the `stream_events` INSERT of each page about 5 %. ' +
    'PostgreSQL works as long again: at 200,000 events the rebuild\'s backends used about 45 CPU-seconds (the rebuild process 46): about 5 rows per event with their JSON, ' +
    'then the indexes — the GIN full-text index on `timeline.search` alone took 11 s, the two GiST `(valid, recorded)` indexes 10 s, ANALYZE 4 s. ' +
    'Streams in the generated data are short (a commitment has at most 8 events, 2 on average), so re-folding each stream\'s prefix per append costs a constant factor, ' +
    'not a growing one; folding each stream once would remove part of the 11 %.',
  '**Why the rate target is out of reach here.** Node and PostgreSQL each spend about 0.23 ms of CPU per event, on two cores shared with the broker: even perfectly ' +
    'overlapped that is about 4,000–5,000 events/s, a quarter of the target. Reaching 20,000 events/s would need both sides to do about a fifth of the work: fewer rows per event ' +
    '(entity versions stored as diffs, not whole states), a cheaper full-text index (the summary text only, not the event\'s JSON), COPY for `stream_events` too, deriving ' +
    'in a worker per core, and indexes built from sorted input. None of these is done: each changes the read models\' layout or the derivation the oracle test checks, and none is needed for the memory target.',
];

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
        (store.generateSeconds ? `, generated and published in ${formatNumber(store.generateSeconds, 1)} s.` : ', reused from an earlier run.'),
      `Targets (issue 8): ≥ ${formatNumber(TARGET_RATE)} events/s with peak RSS < ${TARGET_RSS_MB} MB, from the topic. ` +
        'Time is the whole command as a child process (start-up, reading, deriving, indexing, switching); ' +
        'peak RSS is the process\'s VmHWM; rebuild CPU its user + system time (PostgreSQL\'s work is not in it).',
    );
    if (!kafkaBrokers) notes.push('KAFKA_BROKERS was not set: only the rebuild from the events table ran.');
    notes.push(...REBUILD_FINDINGS);
  } finally {
    if (quick) await dropStore({ schema: store.schema, topic: kafkaBrokers ? store.topic : undefined });
  }
  return {
    section: `Rebuild of the read models (${formatNumber(events)} events)`,
    columns: ['from', 'events', 'time', 'rate', 'peak RSS', 'rebuild CPU', 'target rate / RSS', 'phases'],
    rows,
    notes,
  };
}
