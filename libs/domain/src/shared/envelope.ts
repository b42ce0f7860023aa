import type { EffectiveTime } from './effective-time';

/** How sure the source is: seen in an official record, reported by media, or claimed by a party. */
export type Confidence = 'confirmed' | 'reported' | 'claimed';
export const CONFIDENCES: readonly Confidence[] = ['confirmed', 'reported', 'claimed'];

/** Where a fact comes from. `quote` is the passage that supports it. */
export interface Source {
  readonly title: string;
  readonly publisher?: string;
  readonly url?: string;
  /** ISO 8601 date or instant. */
  readonly publishedAt?: string;
  readonly quote?: string;
}

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
