import type { EffectiveTime } from './effective-time';

/**
 * How sure we are, from most to least: seen in an official record (or two or more outlets),
 * reported by one outlet, claimed by an interested party, or inferred by us — a link or a
 * reading that no source states.
 */
export type Confidence = 'confirmed' | 'reported' | 'claimed' | 'inferred';
export const CONFIDENCES: readonly Confidence[] = ['confirmed', 'reported', 'claimed', 'inferred'];

/**
 * Where a fact comes from. `quote` is a passage of the source, word for word; `paraphrase`
 * says what the source says in other words than its own, and is never shown as a quote.
 */
export interface Source {
  readonly title: string;
  readonly publisher?: string;
  readonly url?: string;
  /**
   * When the source was published, with its precision: YYYY, YYYY-MM, YYYY-MM-DD, an
   * instant, or a range A/B ("some time between"). Older events may hold any ISO 8601 date.
   */
  readonly publishedAt?: string;
  /** True when `publishedAt` is our estimate, not a date the source gives. */
  readonly publishedAtEstimated?: boolean;
  /** The passage that supports the fact, verbatim. */
  readonly quote?: string;
  /** What the source says, in our words: not the source's own. */
  readonly paraphrase?: string;
  /** What we add: how we read the source (an inference, an estimate's basis). */
  readonly note?: string;
}

/** The fields of a source, in the order they are shown and exported. */
export const SOURCE_FIELDS = ['title', 'publisher', 'url', 'publishedAt', 'publishedAtEstimated', 'quote', 'paraphrase', 'note'] as const;

/** A domain event as a decision produces it: past-tense type and plain data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** What the caller states about the facts of a command; not decided by the domain. */
export interface FactMetadata {
  readonly effectiveAt: EffectiveTime;
  readonly source: Source;
  readonly confidence: Confidence;
}

/** Who and what caused an event to be recorded. */
export interface RecordingMetadata {
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string | null;
}

/** An event ready to append: the store assigns position, stream version and recordedAt. */
export interface NewEvent<E extends DomainEvent = DomainEvent> extends FactMetadata, RecordingMetadata {
  /** UUIDv7, made by the writer so a retried append cannot record the event twice. */
  readonly id: string;
  readonly type: E['type'];
  readonly schemaVersion: number;
  readonly data: E['data'];
}

/** A recorded event: the complete envelope. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> extends NewEvent<E> {
  readonly streamId: string;
  readonly streamType: string;
  readonly streamVersion: number;
  /** Global position in the store: commit order, strictly increasing. */
  readonly position: string;
  /** Transaction time, assigned by the server, ISO 8601 UTC. */
  readonly recordedAt: string;
}
