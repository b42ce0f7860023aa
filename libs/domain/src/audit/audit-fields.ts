import type { CommitmentAsOf } from '../temporal/commitment-fold';

/** Latest valid time: `commitmentAsOf(events, END_OF_TIME, knownAt, RECORDED)` is the commitment as it ends up. */
export const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/**
 * The audit views show what was recorded: at the end of valid time every
 * validity has ended, and a lapse derived from it would hide the recorded status.
 */
export const RECORDED = { deriveLapse: false } as const;

/** The fields of a commitment the audit views compare; the bookkeeping of the fold is left out. */
export type AuditedCommitment = Pick<
  CommitmentAsOf,
  'status' | 'kind' | 'title' | 'by' | 'to' | 'terms' | 'disbursed' | 'outstanding' | 'currency'
>;

/** The audited fields, or `{}` when there is no commitment (not yet recorded, or retracted). */
export type AuditedFields = AuditedCommitment | Record<string, never>;

/** The audited fields of a fold result; `{}` for undefined. Values are shared, not copied. */
export function auditedFields(state: CommitmentAsOf | undefined): AuditedFields {
  if (state === undefined) return {};
  const { status, kind, title, by, to, terms, disbursed, outstanding, currency } = state;
  return { status, kind, title, by, to, terms, disbursed, outstanding, currency };
}
