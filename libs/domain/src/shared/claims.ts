/**
 * Claims: what several sources say about one fact. Like revisions, these events
 * are appended to the stream of the event they are about, and name it by id and
 * type; unlike a correction, none of them says our recording was wrong.
 *
 * - `SourceCorroborated`: another source (the envelope's `source`) confirms the
 *   event as recorded. One real-world fact stays one entity with several sources.
 * - `ClaimRecorded`: another source (the envelope's `source`, with its `quote` or
 *   `paraphrase` and `publishedAt`) gives another value for one field of the
 *   event: `effectiveAt`, or a path into its data (`terms.amount`). The event's
 *   own value, as recorded and corrected, stays a claim beside it.
 * - `ClaimChosen`: the analyst's choice of the current claim of a field, with a
 *   reason. Without a choice, the current claim is the latest published.
 *
 * A correction stays what it is for: a mistake in our own recording.
 */
import { EffectiveTime, effectiveUntil, formatEffectiveTime, instantMillis, parseEffectiveTime } from './effective-time';
import type { Confidence, DomainEvent, RecordedEvent, Source } from './envelope';

export type SourceCorroborated = DomainEvent<
  'SourceCorroborated',
  {
    /** Id of the confirmed event, in the same stream. */
    readonly eventId: string;
    /** Its type, as a guard. */
    readonly eventType: string;
  }
>;

export type ClaimRecorded = DomainEvent<
  'ClaimRecorded',
  {
    readonly eventId: string;
    readonly eventType: string;
    /** `effectiveAt`, or a dotted path into the event's data (`terms.amount`). */
    readonly field: string;
    /** What this source says the field is: an effective time as text for `effectiveAt`. */
    readonly value: unknown;
  }
>;

export type ClaimChosen = DomainEvent<
  'ClaimChosen',
  {
    readonly eventId: string;
    readonly eventType: string;
    readonly field: string;
    /** The chosen claim: the id of a ClaimRecorded event, or `eventId` for the event's own value. */
    readonly claimId: string;
    readonly reason: string;
  }
>;

export type ClaimEvent = SourceCorroborated | ClaimRecorded | ClaimChosen;
export type ClaimEventType = ClaimEvent['type'];

export const CLAIM_EVENT_TYPES = ['SourceCorroborated', 'ClaimRecorded', 'ClaimChosen'] as const satisfies readonly ClaimEventType[];

// Fails to compile when a claim event joins the union but not the list above.
type ListsEvery<Missing extends never> = Missing;
type _EveryClaimTypeListed = ListsEvery<Exclude<ClaimEventType, (typeof CLAIM_EVENT_TYPES)[number]>>;

export function isClaimEventType(type: string): type is ClaimEventType {
  return (CLAIM_EVENT_TYPES as readonly string[]).includes(type);
}

/** One source's value for a field. */
export interface Claim {
  /** The ClaimRecorded event, or the fact's own event for the value it was recorded with. */
  readonly claimId: string;
  readonly value: unknown;
  readonly source: Source;
  readonly confidence: Confidence;
  /** True when the source's passage is a verbatim `quote`; false for a `paraphrase` or none. */
  readonly quoted: boolean;
  /** The source's publication date as it gives it; null when unknown (then it counts as published when recorded). */
  readonly publishedAt: string | null;
  readonly publishedAtEstimated: boolean;
  readonly recordedAt: string;
  readonly current: boolean;
}

export type ClaimChoiceReason = 'chosen' | 'latest_published';

/** Every claim on one field of one event, which one is current and why. */
export interface ClaimSet {
  readonly field: string;
  /** `claimId` of the current claim. */
  readonly current: string;
  /** `chosen`: an analyst chose it (`reason`, `choiceId`); `latest_published`: the default. */
  readonly why: ClaimChoiceReason;
  readonly reason: string;
  /** The ClaimChosen event, when `why` is `chosen`. */
  readonly choiceId: string | null;
  /** In order of publication, earliest first. */
  readonly claims: readonly Claim[];
}

/** What the claim events known (and published) say about one event. */
export interface EventClaims {
  /** Confirming events, in stream order. */
  readonly corroborations: readonly RecordedEvent<SourceCorroborated>[];
  /** The ClaimRecorded events by id, to cite the current one. */
  readonly claimEvents: ReadonlyMap<string, RecordedEvent<ClaimRecorded>>;
  readonly claimSets: readonly ClaimSet[];
}

/**
 * The instant range in which a source was published: from the first instant
 * of its `publishedAt` to the first after; `recordedAt` for an event whose
 * source gives no (readable) date, since it was surely published by the time
 * it was recorded.
 */
export function publicationPeriod(event: Pick<RecordedEvent, 'source' | 'recordedAt'>): { start: number; end: number } {
  const stated = event.source?.publishedAt;
  if (typeof stated === 'string') {
    try {
      const time = parseEffectiveTime(stated);
      const period = { start: Date.parse(time.at), end: Date.parse(effectiveUntil(time)) };
      if (Number.isFinite(period.start) && Number.isFinite(period.end)) return period;
    } catch {
      // An unreadable date (an older event) counts as its recording.
    }
  }
  const at = Date.parse(event.recordedAt);
  return { start: at, end: at + 1 };
}

/**
 * Whether the event's source had been published at instant `reportedBy`, with
 * the semantics of `asOf`: a publication date counts from its first instant
 * (`2021-09` counts from 1 September; the range `2021-09-10/2021-09-30` from the 10th).
 */
export function publishedBy(event: Pick<RecordedEvent, 'source' | 'recordedAt'>, reportedBy: number): boolean {
  return publicationPeriod(event).start <= reportedBy;
}

/** The first instant the event's source may have been published, ISO 8601 UTC: what `publishedBy` compares. */
export function publishedFrom(event: Pick<RecordedEvent, 'source' | 'recordedAt'>): string {
  return new Date(publicationPeriod(event).start).toISOString();
}

/**
 * The first instant a resolved event may have been public: the earliest publication of its own
 * source and of the sources that confirm it or dispute one of its fields.
 */
export function reportedFrom(resolved: { readonly original: RecordedEvent; readonly claims?: EventClaims }): string {
  let start = publicationPeriod(resolved.original).start;
  for (const other of [...(resolved.claims?.corroborations ?? []), ...(resolved.claims?.claimEvents.values() ?? [])]) {
    start = Math.min(start, publicationPeriod(other).start);
  }
  return new Date(start).toISOString();
}

/** Milliseconds of a `reportedBy` argument; throws InvalidEffectiveTime like `asOf`. */
export function reportedByMillis(reportedBy: string | undefined): number | undefined {
  return reportedBy === undefined ? undefined : instantMillis(reportedBy);
}

/**
 * Later publication first: the period that ends later, then the one that
 * starts later, then the one recorded later (stream order). The default
 * current claim is the first in this order.
 */
function byLatestPublished(a: ClaimCandidate, b: ClaimCandidate): number {
  const pa = publicationPeriod(a.event);
  const pb = publicationPeriod(b.event);
  return pb.end - pa.end || pb.start - pa.start || b.event.streamVersion - a.event.streamVersion;
}

interface ClaimCandidate {
  readonly event: RecordedEvent;
  readonly value: unknown;
}

/** The value of a field of an event: `effectiveAt` as text, else the data at the dotted path. */
export function fieldValue(event: RecordedEvent, field: string): unknown {
  if (field === 'effectiveAt') return event.effectiveAt ? formatEffectiveTime(event.effectiveAt) : undefined;
  let value: unknown = event.data;
  for (const key of field.split('.')) {
    if (!isPlainObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

/** The event with `field` set to `value`; the event itself when the value cannot be set. */
export function withFieldValue(event: RecordedEvent, field: string, value: unknown): RecordedEvent {
  if (field === 'effectiveAt') {
    if (typeof value !== 'string') return event;
    let effectiveAt: EffectiveTime;
    try {
      effectiveAt = parseEffectiveTime(value);
    } catch {
      return event;
    }
    return { ...event, effectiveAt };
  }
  const keys = field.split('.');
  const set = (target: unknown, index: number): Record<string, unknown> => {
    const copy: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
    copy[keys[index]] = index === keys.length - 1 ? value : set(copy[keys[index]], index + 1);
    return copy;
  };
  return { ...event, data: set(event.data, 0) };
}

/** Whether a claim's field is one a claim can name: `effectiveAt` or a dotted path of plain keys. */
export function isClaimField(field: unknown): field is string {
  return typeof field === 'string' && /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(field);
}

/**
 * The claims on `event` (as corrected) from the claim events that name it,
 * known and published at the asked times, and the event with the current
 * claim of each field in place. `original` is the event as corrected: its own
 * value is a claim citing its own source. Claim events must be in stream order.
 * `ownPublished` says whether the event's own source counts (under `reportedBy`).
 */
export function resolveClaims(
  event: RecordedEvent,
  claimEvents: readonly RecordedEvent[],
  ownPublished: boolean,
): { event: RecordedEvent; claims: EventClaims } {
  const corroborations: RecordedEvent<SourceCorroborated>[] = [];
  const recorded = new Map<string, RecordedEvent<ClaimRecorded>>();
  const byField = new Map<string, RecordedEvent<ClaimRecorded>[]>();
  const choices = new Map<string, RecordedEvent<ClaimChosen>>();
  for (const claimEvent of claimEvents) {
    const data = claimEvent.data as Record<string, unknown>;
    if (claimEvent.type === 'SourceCorroborated') corroborations.push(claimEvent as RecordedEvent<SourceCorroborated>);
    else if (claimEvent.type === 'ClaimRecorded' && isClaimField(data.field)) {
      const claim = claimEvent as RecordedEvent<ClaimRecorded>;
      recorded.set(claim.id, claim);
      byField.set(data.field, [...(byField.get(data.field) ?? []), claim]);
    } else if (claimEvent.type === 'ClaimChosen' && isClaimField(data.field) && typeof data.claimId === 'string') {
      choices.set(`${data.field}\n${data.claimId}`, claimEvent as RecordedEvent<ClaimChosen>);
    }
  }
  let current = event;
  const claimSets: ClaimSet[] = [];
  for (const [field, fieldClaims] of byField) {
    const candidates: ClaimCandidate[] = [
      ...(ownPublished ? [{ event, value: fieldValue(event, field) }] : []),
      ...fieldClaims.map((claim) => ({ event: claim, value: claim.data.value })),
    ];
    const ids = new Set(candidates.map((candidate) => candidate.event.id));
    // The last choice (in stream order) of a claim still among the candidates.
    let choice: RecordedEvent<ClaimChosen> | undefined;
    for (const chosen of choices.values()) {
      if (chosen.data.field === field && ids.has(chosen.data.claimId) && (!choice || chosen.streamVersion > choice.streamVersion))
        choice = chosen;
    }
    const latest = [...candidates].sort(byLatestPublished)[0];
    const winner = choice ? candidates.find((candidate) => candidate.event.id === choice.data.claimId)! : latest;
    const ordered = [...candidates].sort((a, b) => byLatestPublished(b, a));
    claimSets.push({
      field,
      current: winner.event.id,
      why: choice ? 'chosen' : 'latest_published',
      reason: choice
        ? choice.data.reason
        : `the latest published${winner.event.source?.publishedAt ? ` (${winner.event.source.publishedAt})` : ''}`,
      choiceId: choice ? choice.id : null,
      claims: ordered.map(({ event: claimant, value }) => ({
        claimId: claimant.id,
        value,
        source: claimant.source,
        confidence: claimant.confidence,
        quoted: typeof claimant.source?.quote === 'string',
        publishedAt: claimant.source?.publishedAt ?? null,
        publishedAtEstimated: claimant.source?.publishedAtEstimated === true,
        recordedAt: claimant.recordedAt,
        current: claimant.id === winner.event.id,
      })),
    });
    if (winner.event.id !== event.id) current = withFieldValue(current, field, winner.value);
  }
  return { event: current, claims: { corroborations, claimEvents: recorded, claimSets } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
