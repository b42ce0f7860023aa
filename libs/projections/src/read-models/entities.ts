/** Parties, tracks, deployments and occurrences at (asOf, knownAt) from `entity_versions`. */
import type { Pool } from 'pg';
import { PackedSources, unpackSources } from '@timeline/domain';
import { reportedEntities } from '../reported';

export interface EntityFilter {
  parties?: readonly string[];
  activeOnly?: boolean;
  reportedBy?: string;
}

/**
 * Parties, tracks, deployments or occurrences at (asOf, knownAt), optionally those any of some
 * parties take part in. Without `page`, all of them in valid-time order; with it, one keyset page
 * in entity-id order (`after` the last id of the previous page), walked on the (entity_type,
 * entity_id) index and stopped after `limit` rows that hold at (asOf, knownAt).
 */
export async function entitiesAt<T = Record<string, unknown>>(
  pool: Pool,
  s: string,
  type: string,
  asOf: string,
  knownAt: string,
  filter: EntityFilter = {},
  page?: { after?: string; limit: number },
): Promise<(T & { validFrom: string; validTo: string | null })[]> {
  if (filter.reportedBy !== undefined) return reportedEntities<T>(pool, s, type, asOf, knownAt, filter.reportedBy, filter, page);
  const { conditions, params } = entityConditions(type, asOf, knownAt, filter);
  let order = 'ORDER BY lower(valid), entity_id';
  if (page) {
    if (page.after !== undefined) {
      params.push(page.after);
      conditions.push(`entity_id > $${params.length}`);
    }
    params.push(page.limit);
    order = `ORDER BY entity_id LIMIT $${params.length}`;
  }
  const { rows } = await pool.query<{ state: T; valid_from: Date; valid_to: Date | null }>(
    `SELECT state, lower(valid) AS valid_from, upper(valid) AS valid_to FROM ${s}.entity_versions
      WHERE ${conditions.join(' AND ')} ${order}`,
    params,
  );
  return rows.map((row) => ({
    ...row.state,
    ...(hasPackedSources(row.state) && { sources: unpackSources(row.state.sources) }),
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to ? row.valid_to.toISOString() : null,
  }));
}

/** How many entities of a type hold at (asOf, knownAt): counted in the database, none of them read out. */
export async function entityCountAt(pool: Pool, s: string, type: string, asOf: string, knownAt: string, filter: EntityFilter = {}) {
  if (filter.reportedBy !== undefined) return (await reportedEntities(pool, s, type, asOf, knownAt, filter.reportedBy, filter)).length;
  const { conditions, params } = entityConditions(type, asOf, knownAt, filter);
  const { rows } = await pool.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM ${s}.entity_versions WHERE ${conditions.join(' AND ')}`,
    params,
  );
  return rows[0].total;
}

function entityConditions(type: string, asOf: string, knownAt: string, filter: EntityFilter) {
  const params: unknown[] = [type, asOf, knownAt];
  const conditions = ['entity_type = $1', 'valid @> $2::timestamptz', 'recorded @> $3::timestamptz'];
  if (filter.parties?.length) {
    params.push(filter.parties);
    conditions.push(`parties && $${params.length}::text[]`);
  }
  if (filter.activeOnly) conditions.push('active');
  return { conditions, params };
}

function hasPackedSources(state: unknown): state is { sources: PackedSources } {
  const sources = (state as { sources?: unknown } | null)?.sources;
  return typeof sources === 'object' && sources !== null && 'paths' in sources && 'cite' in sources;
}
