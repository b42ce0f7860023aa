/**
 * Commitments at (asOf, knownAt) from `commitment_versions`, and with reportedBy from
 * `commitment_reported_versions` (the same rows with a range of the reported axis): pages in id
 * order, the whole state, one by id.
 */

import type { Pool } from 'pg';
import { PackedSources, unpackSources } from '@timeline/domain';
import type { CommitmentAsOfView, CommitmentFilter, UncertainFact } from '../read-model-views';

interface CommitmentRow {
  commitment_id: string;
  stream_version: number;
  kind: string;
  title: string;
  by_party: string;
  to_party: string;
  status: string;
  terms: Record<string, unknown>;
  amount: string | null;
  currency: string | null;
  unit: string | null;
  disbursed: string | null;
  outstanding: string | null;
  valid_from: Date;
  valid_to: Date | null;
  event_ids: string[];
  uncertain: UncertainFact[];
  lapsed_at: Date | null;
  sources: PackedSources;
}

const COMMITMENT_COLUMNS = `commitment_id, stream_version, kind, title, by_party, to_party, status, terms,
  amount::text, currency, unit, disbursed::text, outstanding::text, lower(valid) AS valid_from,
  upper(valid) AS valid_to, event_ids, uncertain, lapsed_at, sources`;

/**
 * Commitments at (asOf, knownAt). With `page`, one keyset page in id order
 * (`after` the last id of the previous page): the cost of a page does not
 * grow with the length of history, because an index is walked in id order
 * and stops after `limit` rows that hold at (asOf, knownAt) — for parties and
 * statuses, those parties' versions in those statuses only. Without, all of
 * them in valid-time order (for the whole state and diffs).
 */
export async function commitmentsAt(
  pool: Pool,
  s: string,
  asOf: string,
  knownAt: string,
  filter: CommitmentFilter = {},
  page?: { after?: string; limit: number },
  reportedBy?: string,
): Promise<CommitmentAsOfView[]> {
  const { table, params, conditions } = axes(s, asOf, knownAt, reportedBy);
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(params.length));
  };
  if (filter.kind?.length) add((n) => `kind = ANY($${n})`, filter.kind);
  if (page?.after !== undefined) add((n) => `commitment_id > $${n}`, page.after);
  if (page && filter.parties?.length && filter.status?.length) {
    params.push(page.limit);
    const ids = pageIdsByPartyAndStatus(table, conditions, params, filter.parties, filter.status, `$${params.length}`);
    return commitmentsWithIds(pool, table, ids, params, reportedBy !== undefined);
  }
  if (filter.parties?.length) add((n) => `(by_party = ANY($${n}) OR to_party = ANY($${n}))`, filter.parties);
  if (filter.status?.length) add((n) => `status = ANY($${n})`, filter.status);
  if (!page) {
    const { rows } = await pool.query<CommitmentRow>(
      `SELECT ${COMMITMENT_COLUMNS} FROM ${table} WHERE ${conditions.join(' AND ')} ORDER BY lower(valid), commitment_id`,
      params,
    );
    return rows.map(toView);
  }
  params.push(page.limit);
  return commitmentsWithIds(
    pool,
    table,
    `SELECT commitment_id FROM ${table} WHERE ${conditions.join(' AND ')} ORDER BY commitment_id LIMIT $${params.length}`,
    params,
    reportedBy !== undefined,
  );
}

/**
 * The table, parameters and conditions of a question at (asOf, knownAt) = ($1, $2), and with
 * reportedBy = $3 on the reported axis: one row per commitment holds at any point of the axes.
 */
function axes(s: string, asOf: string, knownAt: string, reportedBy: string | undefined) {
  if (reportedBy === undefined) {
    return {
      table: `${s}.commitment_versions`,
      params: [asOf, knownAt] as unknown[],
      conditions: ['valid @> $1::timestamptz', 'recorded @> $2::timestamptz'],
    };
  }
  return {
    table: `${s}.commitment_reported_versions`,
    params: [asOf, knownAt, reportedBy] as unknown[],
    conditions: ['valid @> $1::timestamptz', 'recorded @> $2::timestamptz', 'reported @> $3::timestamptz'],
  };
}

/** The rows at (asOf, knownAt) = ($1, $2), and reportedBy = $3 when `reported`, of the commitments a query selects, in id order. */
async function commitmentsWithIds(
  pool: Pool,
  table: string,
  ids: string,
  params: unknown[],
  reported: boolean,
): Promise<CommitmentAsOfView[]> {
  // The page's ids first, from covering indexes alone (filters on index columns, no table
  // reads for the versions that do not hold at asOf/knownAt); then only those rows.
  const { rows } = await pool.query<CommitmentRow>(
    `WITH page AS (${ids})
     SELECT ${COMMITMENT_COLUMNS} FROM ${table} JOIN page USING (commitment_id)
      WHERE valid @> $1::timestamptz AND recorded @> $2::timestamptz ${reported ? 'AND reported @> $3::timestamptz' : ''}
      ORDER BY commitment_id`,
    params,
  );
  return rows.map(toView);
}

export async function commitmentAt(
  pool: Pool,
  s: string,
  id: string,
  asOf: string,
  knownAt: string,
  reportedBy?: string,
): Promise<CommitmentAsOfView | undefined> {
  const { table, params, conditions } = axes(s, asOf, knownAt, reportedBy);
  params.push(id);
  const { rows } = await pool.query<CommitmentRow>(
    `SELECT ${COMMITMENT_COLUMNS} FROM ${table} WHERE commitment_id = $${params.length} AND ${conditions.join(' AND ')}`,
    params,
  );
  return rows[0] && toView(rows[0]);
}

/**
 * A page's ids for some parties and statuses: one walk in id order per party, side (by, to) and
 * status, each over the (party, status, id) index and so over that party's versions in that
 * status alone, merged in id order. Walking the id index instead passes every other party's and
 * status's versions too: for a rare party or status that is most of the index. A `to` walk
 * leaves out what a `by` walk has (a commitment by any of the parties); one version per
 * commitment holds at (asOf, knownAt), so no id comes twice. Each walk may also be answered from
 * the GiST (valid, recorded) index, which the planner takes for a date early in the history,
 * when few commitments hold at all.
 */
function pageIdsByPartyAndStatus(
  table: string,
  conditions: string[],
  params: unknown[],
  parties: readonly string[],
  statuses: readonly string[],
  limit: string,
): string {
  const where = conditions.join(' AND ');
  params.push([...new Set(parties)]);
  const allParam = `$${params.length}`;
  const walks: string[] = [];
  for (const party of new Set(parties)) {
    params.push(party);
    const partyParam = `$${params.length}`;
    for (const status of new Set(statuses)) {
      params.push(status);
      const statusParam = `$${params.length}`;
      for (const side of [`by_party = ${partyParam}`, `to_party = ${partyParam} AND by_party <> ALL(${allParam}::text[])`]) {
        walks.push(
          `(SELECT commitment_id FROM ${table} WHERE ${side} AND status = ${statusParam} AND ${where} ORDER BY commitment_id LIMIT ${limit})`,
        );
      }
    }
  }
  return `SELECT commitment_id FROM (${walks.join(' UNION ALL ')}) walks ORDER BY commitment_id LIMIT ${limit}`;
}

function toView(row: CommitmentRow): CommitmentAsOfView {
  return {
    id: row.commitment_id,
    version: row.stream_version,
    kind: row.kind,
    title: row.title,
    by: row.by_party,
    to: row.to_party,
    status: row.status,
    lapsedAt: row.lapsed_at ? row.lapsed_at.toISOString() : null,
    terms: row.terms,
    currency: row.currency,
    unit: row.unit,
    pledged: row.amount,
    disbursed: row.disbursed,
    outstanding: row.outstanding,
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to ? row.valid_to.toISOString() : null,
    eventIds: row.event_ids,
    uncertain: row.uncertain,
    sources: unpackSources(row.sources),
  };
}

/**
 * How many commitments hold at (asOf, knownAt), and reportedBy: counted from the covering
 * indexes, no row read out.
 */
export async function commitmentCountAt(pool: Pool, s: string, asOf: string, knownAt: string, reportedBy?: string): Promise<number> {
  const { table, params, conditions } = axes(s, asOf, knownAt, reportedBy);
  const { rows } = await pool.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM ${table} WHERE ${conditions.join(' AND ')}`,
    params,
  );
  return rows[0].total;
}

/**
 * The parties a commitment at (asOf, knownAt) names, by or to. There are few parties and many
 * commitments: a skip scan over the (by_party, …) and (to_party, …) indexes visits each party
 * once, and asks of it whether one of its versions holds, which the index's own columns answer.
 */
export async function commitmentPartiesAt(pool: Pool, s: string, asOf: string, knownAt: string, reportedBy?: string): Promise<string[]> {
  const { table, params, conditions } = axes(s, asOf, knownAt, reportedBy);
  const side = (column: string) => `
    (WITH RECURSIVE codes AS (
       SELECT min(${column}) AS code FROM ${table}
       UNION ALL
       SELECT (SELECT min(${column}) FROM ${table} WHERE ${column} > codes.code) FROM codes WHERE codes.code IS NOT NULL
     )
     SELECT code FROM codes
      WHERE code IS NOT NULL
        AND EXISTS (SELECT 1 FROM ${table} WHERE ${column} = codes.code AND ${conditions.join(' AND ')}))`;
  const { rows } = await pool.query<{ code: string }>(`${side('by_party')} UNION ${side('to_party')}`, params);
  return rows.map((row) => row.code);
}
