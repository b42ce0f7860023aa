/** Pledged against delivered per party pair, kind and currency, from `commitment_versions`. */
import type { Pool } from 'pg';
import { ledgerOf } from '../reported';
import type { LedgerRow } from '../read-model-views';
import { commitmentsAt } from './commitments';

/**
 * Pledged against delivered per party pair, kind and currency, as of a date
 * and known at a time. Money only: price commitments are rates, not sums,
 * and stay out. `pledged` counts commitments pledged, fulfilled or broken;
 * `outstanding` only those still pledged; `requested` the demands not granted.
 */
export async function ledgerAt(
  pool: Pool,
  s: string,
  asOf: string,
  knownAt: string,
  filter: { by?: string; to?: string; reportedBy?: string } = {},
): Promise<LedgerRow[]> {
  if (filter.reportedBy !== undefined)
    return ledgerOf(await commitmentsAt(pool, s, asOf, knownAt, {}, undefined, filter.reportedBy), filter);
  const params: unknown[] = [asOf, knownAt];
  const conditions = ['valid @> $1::timestamptz', 'recorded @> $2::timestamptz', 'currency IS NOT NULL', "kind <> 'price'"];
  if (filter.by) {
    params.push(filter.by);
    conditions.push(`by_party = $${params.length}`);
  }
  if (filter.to) {
    params.push(filter.to);
    conditions.push(`to_party = $${params.length}`);
  }
  const { rows } = await pool.query<LedgerRow>(
    `SELECT by_party AS "by", to_party AS "to", kind, currency,
            coalesce(sum(amount) FILTER (WHERE status IN ('pledged', 'fulfilled', 'broken')), 0)::text AS pledged,
            coalesce(sum(disbursed), 0)::text AS disbursed,
            coalesce(sum(amount - disbursed) FILTER (WHERE status = 'pledged'), 0)::text AS outstanding,
            coalesce(sum(amount) FILTER (WHERE status = 'requested'), 0)::text AS requested,
            count(*)::int AS commitments
       FROM ${s}.commitment_versions WHERE ${conditions.join(' AND ')}
      GROUP BY by_party, to_party, kind, currency ORDER BY by_party, to_party, kind, currency`,
    params,
  );
  return rows;
}
