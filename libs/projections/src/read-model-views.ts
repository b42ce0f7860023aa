import type { Sources } from '@timeline/domain';

/** The shapes of the commitment answers, apart from the queries, so the reported-axis fold can share them. */

export interface UncertainFact {
  readonly eventId: string;
  readonly type: string;
  readonly effectiveAt: unknown;
  readonly until: string;
}

export interface CommitmentAsOfView {
  readonly id: string;
  readonly version: number;
  readonly kind: string;
  readonly title: string;
  readonly by: string;
  readonly to: string;
  /** `lapsed` when an open status's validity (terms.validUntil) has ended: see `lapsedAt`. */
  readonly status: string;
  /** For a derived lapse, the first instant after terms.validUntil; null otherwise. */
  readonly lapsedAt: string | null;
  readonly terms: Record<string, unknown>;
  readonly currency: string | null;
  readonly unit: string | null;
  /** Decimal strings, in `currency` (or `unit`); disbursed and outstanding are null for a rate (a price). */
  readonly pledged: string | null;
  readonly disbursed: string | null;
  readonly outstanding: string | null;
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly eventIds: string[];
  /** Facts counted at asOf whose precision leaves open whether they had happened by then. */
  readonly uncertain: UncertainFact[];
  /** For each fact (`status`, `terms.amount`, …), the source of its current value. */
  readonly sources: Sources;
}

export interface CommitmentFilter {
  /** Commitments by or to any of these parties. */
  readonly parties?: readonly string[];
  readonly status?: readonly string[];
  readonly kind?: readonly string[];
}

export interface LedgerRow {
  readonly by: string;
  readonly to: string;
  readonly kind: string;
  readonly currency: string;
  /** Decimal strings in `currency`. */
  readonly pledged: string;
  readonly disbursed: string;
  readonly outstanding: string;
  readonly requested: string;
  readonly commitments: number;
}
