/** GET /v1/state read to the end: every section's pages fetched by `next`, checked on the way. */
export const STATE_SECTIONS = ['parties', 'tracks', 'commitments', 'deployments'] as const;
export type SectionName = (typeof STATE_SECTIONS)[number];

export interface Section<T> {
  total: number;
  items: T[];
  nextCursor: string | null;
  next: string | null;
}

/**
 * The first answer and every later page of each section, by `next`. Asserts what a client relies
 * on: each later page has the section's total, and the pages together hold `total` items.
 * `Body` is what `get` answers (supertest's `body`).
 */
export async function wholeState<Body>(
  get: (path: string, query?: Record<string, string>) => Promise<Body>,
  query: Record<string, string>,
) {
  const first = await get('/v1/state', query);
  const state = { first } as Record<SectionName, Body[]> & { first: Body };
  for (const name of STATE_SECTIONS) {
    const section = (first as Record<SectionName, Section<Body>>)[name];
    const items = [...section.items];
    let next = section.next;
    while (next) {
      const url = new URL(next, 'http://host');
      const page = ((await get(url.pathname, Object.fromEntries(url.searchParams))) as Record<SectionName, Section<Body>>)[name];
      if (page.total !== section.total) throw new Error(`${name}: a later page counts ${page.total}, the first ${section.total}`);
      items.push(...page.items);
      next = page.next;
    }
    if (items.length !== section.total) throw new Error(`${name}: ${items.length} items on all pages, total ${section.total}`);
    state[name] = items;
  }
  return state;
}
