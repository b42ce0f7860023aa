// Numbers for the result tables: percentiles, medians, and formatting with units.

/** The q-quantile (0..1) of numbers, nearest rank. */
export function percentile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** mulberry32: a small seeded random source, the same sequence for the same seed everywhere (0 ≤ x < 1). */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function median(values) {
  return percentile(values, 0.5);
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatRate(perSecond, unit = 'events/s') {
  return Number.isFinite(perSecond) ? `${integer.format(perSecond)} ${unit}` : 'n/a';
}

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return 'n/a';
  return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : integer.format(ms)} ms`;
}

export function formatRatio(ours, theirs) {
  const ratio = ours / theirs;
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)} ×` : 'n/a';
}

export function formatBytes(bytes) {
  return `${integer.format(bytes / 2 ** 20)} MiB`;
}

/**
 * Runs `rounds` rounds of every contender, interleaved (A B C, A B C, …), so
 * that a load spike on a shared machine hurts each of them alike. Each
 * contender's `round()` returns `{ count, seconds, latencies }` (or `p50` and
 * `p99` instead of `latencies` when a load tool measured them, and `cpuMs`
 * when it measured a server's CPU per operation); the answer per contender
 * is the median rate, p50, p99 and CPU over its rounds.
 */
export async function interleave(contenders, rounds, onRound = () => undefined) {
  const results = new Map(contenders.map((contender) => [contender.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const contender of contenders) {
      const outcome = await contender.round(round);
      results.get(contender.name).push(outcome);
      onRound(contender.name, round, outcome);
    }
  }
  return new Map(
    [...results].map(([name, outcomes]) => [
      name,
      {
        rate: median(outcomes.map((o) => o.count / o.seconds)),
        p50: median(outcomes.map((o) => o.p50 ?? percentile(o.latencies, 0.5))),
        p99: median(outcomes.map((o) => o.p99 ?? percentile(o.latencies, 0.99))),
        // CPU time a server process spent per operation, when the round measured it (NaN otherwise).
        cpuMs: median(outcomes.map((o) => o.cpuMs ?? NaN)),
        operations: outcomes.reduce((sum, o) => sum + o.count, 0),
        rounds: outcomes.length,
      },
    ]),
  );
}

/**
 * `concurrency` workers call `operation(worker, i)` back to back for `seconds`;
 * each call's latency is kept. The count is of events written: an operation
 * returns how many it wrote (a batch), or nothing for one.
 */
export async function closedLoop({ concurrency, seconds, operation }) {
  const latencies = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const begin = performance.now();
        const written = await operation(worker, i);
        latencies.push(performance.now() - begin);
        count += typeof written === 'number' ? written : 1;
      }
    }),
  );
  return { count, seconds: (performance.now() - started) / 1000, latencies };
}
