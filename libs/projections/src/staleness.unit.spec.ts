import { ProjectorStaleness } from './staleness';

describe('projector staleness by age', () => {
  let now = 0;
  const staleness = () => new ProjectorStaleness(30_000, () => now);
  const lag = (next: number, end: number) => ({ partition: 0, lag: end - next, next: String(next), end: String(end) });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('is fresh without lag, however long nothing happens', () => {
    const watcher = staleness();
    expect(watcher.observe([lag(5, 5)])[0]).toMatchObject({ oldestUnprojectedAgeMs: 0, stalledForMs: 0, stalled: false });
    now += 3_600_000;
    expect(watcher.observe([lag(5, 5)])[0]).toMatchObject({ oldestUnprojectedAgeMs: 0, stalled: false });
  });

  it('turns stalled when records wait and the stored offset does not move for the limit, and fresh again when it moves', () => {
    const watcher = staleness();
    watcher.observe([lag(5, 5)]);
    now += 1_000;
    expect(watcher.observe([lag(5, 8)])[0]).toMatchObject({ oldestUnprojectedAgeMs: 0, stalled: false });
    now += 29_000;
    expect(watcher.observe([lag(5, 12)])[0]).toMatchObject({ oldestUnprojectedAgeMs: 29_000, stalledForMs: 29_000, stalled: false });
    now += 1_000;
    expect(watcher.observe([lag(5, 12)])[0]).toMatchObject({ oldestUnprojectedAgeMs: 30_000, stalledForMs: 30_000, stalled: true });
    // Progress: the oldest waiting record is now one first seen later (end 12, seen 30 s ago).
    now += 1_000;
    const moved = watcher.observe([lag(9, 12)])[0];
    expect(moved).toMatchObject({ stalledForMs: 0, stalled: false });
    expect(moved.oldestUnprojectedAgeMs).toBe(2_000);
  });

  it('keeps a busy projector that always has a little lag fresh', () => {
    const watcher = staleness();
    for (let step = 0; step < 100; step++) {
      now += 1_000;
      const [partition] = watcher.observe([lag(step * 10, step * 10 + 5)]);
      expect(partition.stalled).toBe(false);
      expect(partition.oldestUnprojectedAgeMs).toBeLessThanOrEqual(1_000);
    }
  });

  it('does not call a partition stalled on a first look after a long quiet spell', () => {
    const watcher = staleness();
    watcher.observe([lag(5, 5)]);
    now += 600_000;
    expect(watcher.observe([lag(5, 9)])[0]).toMatchObject({ stalledForMs: 0, stalled: false });
  });
});
