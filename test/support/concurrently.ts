/** Questions to a read model in flight at once in the oracle suites (PGlite answers one at a time whatever this is). */
export const PROBES_IN_FLIGHT = 6;

/** `work` for every item, at most `limit` at a time; rejects with the first failure. */
export async function eachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
