import type { PartitionLag } from './projector';

/** How stale one partition's read models are, as `ProjectorStaleness` has watched it. */
export interface PartitionStaleness extends PartitionLag {
  /** Age of the oldest record not yet projected, in ms (0 without lag): since it was first seen on the log. */
  readonly oldestUnprojectedAgeMs: number;
  /** How long the partition has had lag without the read models moving on, in ms (0 without lag). */
  readonly stalledForMs: number;
  /** Lag, and no progress for at least the stall limit. */
  readonly stalled: boolean;
}

interface Watched {
  next: bigint;
  /** When the read models last moved on, or were seen with nothing to do. */
  progressAt: number;
  /** When each end of the log was first seen: the oldest unprojected record was first seen with the first end past it. */
  ends: { end: bigint; at: number }[];
}

/**
 * Staleness by age, not only by count, from samples of the lag (the read
 * models' stored offsets and the log's ends, which every process can read, so
 * the api process judges a projector running elsewhere). A partition is
 * stalled when it has had unprojected records, and its stored offset has not
 * moved, for at least `stallMs`. Ages are as precise as the sampling: the
 * runtime samples every few seconds, and on every readiness check and scrape.
 */
export class ProjectorStaleness {
  private readonly watched = new Map<number, Watched>();

  constructor(
    readonly stallMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  observe(lags: readonly PartitionLag[]): PartitionStaleness[] {
    const now = this.now();
    return lags.map((lag) => {
      const next = BigInt(lag.next ?? '0');
      const end = BigInt(lag.end ?? String(next + BigInt(lag.lag)));
      let watched = this.watched.get(lag.partition);
      if (!watched) {
        watched = { next, progressAt: now, ends: [] };
        this.watched.set(lag.partition, watched);
      }
      if (next > watched.next || lag.lag === 0) watched.progressAt = now;
      if (next > watched.next) watched.next = next;
      const last = watched.ends[watched.ends.length - 1];
      if (!last || end > last.end) watched.ends.push({ end, at: now });
      // Ends the read models have passed say nothing more about what is waiting.
      while (watched.ends.length > 0 && watched.ends[0].end <= next) watched.ends.shift();
      if (lag.lag === 0) return { ...lag, oldestUnprojectedAgeMs: 0, stalledForMs: 0, stalled: false };
      const oldestUnprojectedAgeMs = now - (watched.ends[0]?.at ?? now);
      const stalledForMs = Math.min(now - watched.progressAt, oldestUnprojectedAgeMs);
      return { ...lag, oldestUnprojectedAgeMs, stalledForMs, stalled: stalledForMs >= this.stallMs };
    });
  }
}
