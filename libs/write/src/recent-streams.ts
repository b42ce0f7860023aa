import type { NewEvent, RecordedEvent } from '@timeline/domain';
import type { AppendResult } from '@timeline/event-store';

/**
 * The histories of the streams this process wrote last, so that the next
 * command on one of them decides without reading it back first.
 *
 * A history here is only a guess at the stream's present: the append that
 * follows carries the version it was decided on, and the store refuses it if
 * anything else (another process, another instance) wrote in between. The
 * writer then forgets the guess and reads the stream. A stale history can
 * cost a retry, never a wrong event.
 *
 * Bounded by the number of events held; the least recently used streams go
 * first. A capacity of 0 turns it off.
 */
export class RecentStreams {
  private readonly histories = new Map<string, readonly RecordedEvent[]>();
  private events = 0;

  constructor(readonly capacity: number) {}

  get(streamId: string): readonly RecordedEvent[] | undefined {
    const history = this.histories.get(streamId);
    if (history) {
      // Most recently used last: Map keeps insertion order.
      this.histories.delete(streamId);
      this.histories.set(streamId, history);
    }
    return history;
  }

  /** Keeps `history` followed by the events just appended to it, as the store recorded them. */
  remember(
    streamId: string,
    streamType: string,
    history: readonly RecordedEvent[],
    appended: readonly NewEvent[],
    result: AppendResult,
  ): void {
    this.forget(streamId);
    const total = history.length + appended.length;
    if (total > this.capacity) return;
    const recorded = appended.map((event, i) => asRecorded(event, streamId, streamType, result.events[i]));
    this.histories.set(streamId, [...history, ...recorded]);
    this.events += total;
    for (const [oldest, evicted] of this.histories) {
      if (this.events <= this.capacity) break;
      this.histories.delete(oldest);
      this.events -= evicted.length;
    }
  }

  forget(streamId: string): void {
    const history = this.histories.get(streamId);
    if (!history) return;
    this.histories.delete(streamId);
    this.events -= history.length;
  }

  get size(): { streams: number; events: number } {
    return { streams: this.histories.size, events: this.events };
  }
}

/**
 * The event as reading the stream back would give it: the store's position,
 * version and time; the JSON columns as JSON gives them back; times in the
 * ISO form the store reads.
 */
function asRecorded(event: NewEvent, streamId: string, streamType: string, stored: AppendResult['events'][number]): RecordedEvent {
  // The store keeps an end only for ranges (as it writes them).
  const { at, precision } = event.effectiveAt;
  const until = precision === 'range' ? event.effectiveAt.until : undefined;
  return {
    id: stored.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId,
    streamType,
    streamVersion: stored.streamVersion,
    position: stored.position,
    effectiveAt: until !== undefined ? { at: iso(at), precision, until: iso(until) } : { at: iso(at), precision },
    recordedAt: stored.recordedAt,
    actor: event.actor,
    source: jsonCopy(event.source),
    confidence: event.confidence,
    correlationId: event.correlationId,
    causationId: event.causationId ?? null,
    data: jsonCopy(event.data),
  };
}

function iso(time: string): string {
  return new Date(time).toISOString();
}

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
