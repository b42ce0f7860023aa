import type { Pool } from 'pg';
import { quoteIdent } from './read-model-schema';

/** The read-model tables whose statistics steer the read queries' plans. */
const TABLES = ['timeline', 'commitment_versions', 'commitment_reported_versions', 'entity_versions', 'stream_events'];
/** No ANALYZE before this many projected rows: small tables are planned well enough. */
const FIRST_ANALYZE_AFTER = 1000;

/**
 * Keeps the planner's statistics of the generation the live projector fills. A bulk rebuild
 * analyzes what it builds; a generation filled event by event is never analyzed unless
 * autovacuum is on (it is off on some servers, and PGlite has none). Without statistics the
 * planner takes the tables for small, and a timeline page scanned and sorted every row (120–240
 * ms a page at 10,000 events, growing with history) instead of walking its covering index
 * (12 ms). ANALYZE runs after the first 1,000 events a process projects into a generation, and
 * again each time their number doubles: a handful of runs, whatever the length of history.
 * It runs outside the projection's transaction; a failure is logged, never fatal.
 */
export class GenerationStatistics {
  private readonly projected = new Map<string, number>();
  private readonly analyzedAt = new Map<string, number>();

  constructor(
    private readonly pool: Pool,
    private readonly log?: (message: string, details?: Record<string, unknown>) => void,
  ) {}

  async noteProjected(schema: string, events: number): Promise<void> {
    const total = (this.projected.get(schema) ?? 0) + events;
    this.projected.set(schema, total);
    if (total < Math.max(FIRST_ANALYZE_AFTER, 2 * (this.analyzedAt.get(schema) ?? 0))) return;
    this.analyzedAt.set(schema, total);
    const s = quoteIdent(schema);
    try {
      await this.pool.query(`ANALYZE ${TABLES.map((table) => `${s}.${table}`).join(', ')}`);
    } catch (error) {
      this.log?.('projector: ANALYZE of the read models failed', { schema, error: (error as Error).message });
    }
  }
}
