import type { DomainEvent } from '../shared/envelope';
import type { OccurrenceKind } from './vocabulary';

/** A subject discussed at a meeting, with the time spent on it when the source says. */
export interface OccurrenceTopic {
  readonly topic: string;
  /** Exact non-negative decimal as text. */
  readonly hours?: string;
}

/** The data of an occurrence, as recorded (and as a command sends it). */
export interface OccurrenceData {
  readonly occurrenceId: string;
  readonly kind: OccurrenceKind;
  readonly title: string;
  /** One or more distinct party codes. */
  readonly parties: readonly string[];
  readonly place?: string;
  /** Who took part, as the source names them (`Lukashenko`, `Putin`): free text, not party codes. */
  readonly participants?: readonly string[];
  /** Exact non-negative decimal as text. */
  readonly durationHours?: string;
  readonly topics?: readonly OccurrenceTopic[];
  readonly speaker?: string;
  readonly quote?: string;
  /** Exact decimal as text, possibly negative (a forecast of `-6` % GDP). */
  readonly value?: string;
  /** Upper end when the value is a range (300–400): at least `value`. */
  readonly valueMax?: string;
  readonly unit?: string;
  /** ISO 4217 code. */
  readonly currency?: string;
  /**
   * The period a forecast or an indicator is about, as an effective-time text
   * (`2021`, `2022-12`, a quarter as `2021-01/2021-03`).
   */
  readonly horizon?: string;
  readonly description?: string;
}

export type OccurrenceRecorded = DomainEvent<'OccurrenceRecorded', OccurrenceData>;

export type OccurrenceEvent = OccurrenceRecorded;

export type OccurrenceEventType = OccurrenceEvent['type'];

export const OCCURRENCE_EVENT_TYPES = ['OccurrenceRecorded'] as const satisfies readonly OccurrenceEventType[];

// Fails to compile when an event joins the union but not the list above.
type ListsEvery<Missing extends never> = Missing;
type _EveryEventTypeListed = ListsEvery<Exclude<OccurrenceEventType, (typeof OCCURRENCE_EVENT_TYPES)[number]>>;

export function isOccurrenceEventType(type: string): type is OccurrenceEventType {
  return (OCCURRENCE_EVENT_TYPES as readonly string[]).includes(type);
}
