/**
 * Recorded events for temporal tests: a commitment stream written by hand,
 * one event per call, stream versions counted for you.
 */
import type { CommitmentRecorded } from '../commitments/events';
import { EffectiveTime, parseEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent, Source } from '../shared/envelope';
import type { EventCorrected } from '../shared/revisions';
import { Attribution, attributionOf } from './attribution';

export const STREAM_ID = 'commitment-c-ru-by-loan';
export const COMMITMENT_ID = 'c-ru-by-loan';

export interface EventSpec {
  readonly type: string;
  readonly data: unknown;
  /** Effective time as text (`2021`, `2021-09/2021-10`) or as a value. */
  readonly effective: string | EffectiveTime;
  readonly recordedAt: string;
  readonly id?: string;
  /** Default `{ title: 'test' }`. */
  readonly source?: Source;
}

/** The sources an answer gives when every path in `paths` cites `event`. */
export function cites(event: RecordedEvent, paths: readonly string[]): Record<string, Attribution> {
  return Object.fromEntries(paths.map((path) => [path, attributionOf(event)]));
}

/** Builds a stream: each `add` is the next stream version. */
export class StreamBuilder {
  readonly events: RecordedEvent[] = [];

  add(spec: EventSpec): RecordedEvent {
    const streamVersion = this.events.length + 1;
    const event: RecordedEvent = {
      id: spec.id ?? `e${streamVersion}`,
      type: spec.type,
      schemaVersion: 1,
      data: spec.data,
      effectiveAt: typeof spec.effective === 'string' ? parseEffectiveTime(spec.effective) : spec.effective,
      source: spec.source ?? { title: 'test' },
      confidence: 'confirmed',
      actor: 'test',
      correlationId: `c${streamVersion}`,
      causationId: null,
      streamId: STREAM_ID,
      streamType: 'commitment',
      streamVersion,
      position: String(100 + streamVersion),
      recordedAt: new Date(spec.recordedAt).toISOString(),
    };
    this.events.push(event);
    return event;
  }

  record(effective: string | EffectiveTime, recordedAt: string, overrides: Partial<CommitmentRecorded['data']> = {}): RecordedEvent {
    return this.add({
      type: 'CommitmentRecorded',
      data: {
        commitmentId: COMMITMENT_ID,
        kind: 'loan',
        title: 'State loan of USD 600 million',
        by: 'RU',
        to: 'BY',
        status: 'pledged',
        terms: { amount: '600000000', currency: 'USD' },
        ...overrides,
      },
      effective,
      recordedAt,
    });
  }

  amend(changes: Record<string, unknown>, effective: string | EffectiveTime, recordedAt: string): RecordedEvent {
    return this.add({
      type: 'CommitmentTermsAmended',
      data: { commitmentId: COMMITMENT_ID, changes },
      effective,
      recordedAt,
    });
  }

  disburse(amount: string, effective: string | EffectiveTime, recordedAt: string, currency = 'USD'): RecordedEvent {
    return this.add({
      type: 'CommitmentDisbursed',
      data: { commitmentId: COMMITMENT_ID, amount, currency },
      effective,
      recordedAt,
    });
  }

  status(from: string, to: string, effective: string | EffectiveTime, recordedAt: string): RecordedEvent {
    return this.add({
      type: 'CommitmentStatusChanged',
      data: { commitmentId: COMMITMENT_ID, from, to },
      effective,
      recordedAt,
    });
  }

  correct(
    target: RecordedEvent,
    changes: EventCorrected['data']['changes'],
    recordedAt: string,
    eventType = target.type,
    source?: Source,
  ): RecordedEvent {
    return this.add({
      type: 'EventCorrected',
      data: { eventId: target.id, eventType, changes, reason: 'corrected source' },
      effective: target.effectiveAt,
      recordedAt,
      source,
    });
  }

  retract(target: RecordedEvent, recordedAt: string, eventType = target.type): RecordedEvent {
    return this.add({
      type: 'EventRetracted',
      data: { eventId: target.id, eventType, reason: 'source withdrawn' },
      effective: target.effectiveAt,
      recordedAt,
    });
  }
}
