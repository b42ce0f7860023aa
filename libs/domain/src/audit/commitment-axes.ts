import type { RecordedEvent } from '../shared/envelope';
import { byStreamVersion } from '../shared/revisions';
import { commitmentAsOf, UncertainEvent } from '../temporal/commitment-as-of';
import { commitmentSegments } from '../temporal/commitment-segments';
import { auditedFields, AuditedFields, END_OF_TIME, RECORDED } from './audit-fields';
import { FieldChange, fieldChanges } from './field-changes';

/** One stretch of valid time, and how the commitment changed at its start. */
export interface EffectiveAxisEntry {
  /** First instant of the stretch, ISO 8601 UTC. */
  readonly validFrom: string;
  /** First instant after it; null for the last, open-ended one. */
  readonly validTo: string | null;
  /** The audited fields in this stretch against the stretch before (`{}` before the first). */
  readonly changes: readonly FieldChange[];
  /** Events that start counting here: in this stretch's fold but not the previous one's, in fold order. */
  readonly eventIds: readonly string[];
  /** Counting events whose period has not ended in this stretch (a stretch may differ from the last only by these). */
  readonly uncertain: readonly UncertainEvent[];
}

/**
 * How the commitment changed over valid (effective) time, as known at
 * `knownAt`: one entry per segment of `commitmentSegments(events, knownAt)`,
 * in order, with the changes of the audited fields from the previous segment
 * (from `{}` for the first). A segment that differs from the previous one only
 * by which events are uncertain has no changes. Empty when the commitment does
 * not exist at any valid time as known at `knownAt`. Throws
 * InvalidEffectiveTime for a malformed `knownAt`.
 */
export function effectiveAxis(events: readonly RecordedEvent[], knownAt: string): EffectiveAxisEntry[] {
  let before: AuditedFields = {};
  let seen: ReadonlySet<string> = new Set();
  return commitmentSegments(events, knownAt).map((segment) => {
    const after = auditedFields(segment.state);
    const entry: EffectiveAxisEntry = {
      validFrom: segment.validFrom,
      validTo: segment.validTo,
      changes: fieldChanges(before, after),
      eventIds: segment.state.eventIds.filter((id) => !seen.has(id)),
      uncertain: segment.state.uncertain,
    };
    before = after;
    seen = new Set(segment.state.eventIds);
    return entry;
  });
}

/** One transaction time at which the record grew, and what we then believed. */
export interface KnowledgeAxisEntry {
  /** The recordedAt shared by the events, ISO 8601 UTC. */
  readonly recordedAt: string;
  /** Events recorded at that instant, in stream-version order. */
  readonly eventIds: readonly string[];
  readonly types: readonly string[];
  /** The belief (latest-valid-time state as known then) against the belief just before. */
  readonly changes: readonly FieldChange[];
}

/**
 * How our knowledge of the commitment changed over recorded (transaction)
 * time: for each distinct `recordedAt` r, ascending, the belief at r —
 * `commitmentAsOf(events, END_OF_TIME, r, RECORDED)` on the audited fields, `{}` when
 * undefined — and its changes from the belief before (`{}` before the first).
 * The entry whose changes hold a path answers "when did we learn it":
 * a restriction added by an amendment shows as `terms.restrictions` at the
 * amendment's recordedAt, however far back its effective time lies. Events
 * whose recordedAt is not a valid instant are never known and are left out.
 */
export function knowledgeAxis(events: readonly RecordedEvent[]): KnowledgeAxisEntry[] {
  const groups = new Map<number, RecordedEvent[]>();
  for (const event of [...events].sort(byStreamVersion)) {
    const at = Date.parse(event.recordedAt);
    if (Number.isNaN(at)) continue;
    groups.set(at, [...(groups.get(at) ?? []), event]);
  }
  let before: AuditedFields = {};
  const entries: KnowledgeAxisEntry[] = [];
  for (const at of [...groups.keys()].sort((a, b) => a - b)) {
    const recordedAt = new Date(at).toISOString();
    const after = auditedFields(commitmentAsOf(events, END_OF_TIME, recordedAt, RECORDED));
    const changes = fieldChanges(before, after);
    before = after;
    const group = groups.get(at) ?? [];
    if (changes.length === 0 && group.length === 0) continue;
    entries.push({
      recordedAt,
      eventIds: group.map((event) => event.id),
      types: group.map((event) => event.type),
      changes,
    });
  }
  return entries;
}
