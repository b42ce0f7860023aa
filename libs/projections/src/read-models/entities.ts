/** Parties, tracks, deployments and occurrences at (asOf, knownAt) from `entity_versions`. */
import type { Pool } from 'pg';
import { PackedSources, unpackSources } from '@timeline/domain';
import { reportedEntities } from '../reported';

/** Parties, tracks, deployments or occurrences at (asOf, knownAt), optionally those any of some parties take part in. */
export async function entitiesAt<T = Record<string, unknown>>(
  pool: Pool,
  s: string,
  type: string,
  asOf: string,
  knownAt: string,
  filter: { parties?: readonly string[]; activeOnly?: boolean; reportedBy?: string } = {},
): Promise<(T & { validFrom: string; validTo: string | null })[]> {
  if (filter.reportedBy !== undefined) return reportedEntities<T>(pool, s, type, asOf, knownAt, filter.reportedBy, filter);
  const params: unknown[] = [type, asOf, knownAt];
  const conditions = ['entity_type = $1', 'valid @> $2::timestamptz', 'recorded @> $3::timestamptz'];
  if (filter.parties?.length) {
    params.push(filter.parties);
    conditions.push(`parties && $${params.length}::text[]`);
  }
  if (filter.activeOnly) conditions.push('active');
  const { rows } = await pool.query<{ state: T; valid_from: Date; valid_to: Date | null }>(
    `SELECT state, lower(valid) AS valid_from, upper(valid) AS valid_to FROM ${s}.entity_versions
      WHERE ${conditions.join(' AND ')} ORDER BY lower(valid), entity_id`,
    params,
  );
  return rows.map((row) => ({
    ...row.state,
    ...(hasPackedSources(row.state) && { sources: unpackSources(row.state.sources) }),
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to ? row.valid_to.toISOString() : null,
  }));
}

function hasPackedSources(state: unknown): state is { sources: PackedSources } {
  const sources = (state as { sources?: unknown } | null)?.sources;
  return typeof sources === 'object' && sources !== null && 'paths' in sources && 'cite' in sources;
}
