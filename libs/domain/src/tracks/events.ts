import type { DomainEvent } from '../shared/envelope';
import type { TrackKind, TrackStatus } from './vocabulary';

export type TrackOpened = DomainEvent<
  'TrackOpened',
  {
    readonly trackId: string;
    readonly title: string;
    /** Free text: `monetary policy`, `oil and gas`, `taxation`. */
    readonly area: string;
    readonly kind: TrackKind;
    /** One or more distinct party codes. */
    readonly parties: readonly string[];
    readonly status: TrackStatus;
    readonly description?: string;
  }
>;

export type TrackStatusChanged = DomainEvent<
  'TrackStatusChanged',
  {
    readonly trackId: string;
    readonly from: TrackStatus;
    readonly to: TrackStatus;
    readonly reason?: string;
  }
>;

/** Sets a deadline of the track, or moves it when the deadlineId is already set. */
export type TrackDeadlineSet = DomainEvent<
  'TrackDeadlineSet',
  {
    readonly trackId: string;
    readonly deadlineId: string;
    readonly description: string;
    /** An effective-time text: `2021`, `2021-12`, `2021-12-01`, an instant with a zone, or a range `A/B`. */
    readonly due: string;
  }
>;

export type TrackEvent = TrackOpened | TrackStatusChanged | TrackDeadlineSet;

export type TrackEventType = TrackEvent['type'];

export const TRACK_EVENT_TYPES = ['TrackOpened', 'TrackStatusChanged', 'TrackDeadlineSet'] as const satisfies readonly TrackEventType[];

// Fails to compile when an event joins the union but not the list above.
type ListsEvery<Missing extends never> = Missing;
type _EveryEventTypeListed = ListsEvery<Exclude<TrackEventType, (typeof TRACK_EVENT_TYPES)[number]>>;

export function isTrackEventType(type: string): type is TrackEventType {
  return (TRACK_EVENT_TYPES as readonly string[]).includes(type);
}
