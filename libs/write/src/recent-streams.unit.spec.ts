import type { NewEvent, RecordedEvent } from '@timeline/domain';
import { RecentStreams } from './recent-streams';

const source = { title: 'Wire' };

function newEvent(n: number): NewEvent {
  return {
    id: `0190a1b2-0000-7000-8000-${String(n).padStart(12, '0')}`,
    type: 'Noted',
    schemaVersion: 1,
    data: { n },
    effectiveAt: { at: '2021-09-01T00:00:00.000Z', precision: 'day' },
    source,
    confidence: 'reported',
    actor: 'test',
    correlationId: 'c',
    causationId: null,
  };
}

function write(cache: RecentStreams, streamId: string, count: number): void {
  const history = cache.get(streamId) ?? [];
  const appended = Array.from({ length: count }, (_, i) => newEvent(history.length + i));
  const events = appended.map((event, i) => ({
    id: event.id,
    position: String(i + 1),
    streamVersion: history.length + i + 1,
    recordedAt: '2026-01-01T00:00:00.000Z',
  }));
  cache.remember(streamId, 'note', history, appended, {
    streamId,
    version: history.length + count,
    events,
    position: events[events.length - 1].position,
  });
}

describe('RecentStreams', () => {
  it('keeps a history and the events appended to it, in order, as recorded events', () => {
    const cache = new RecentStreams(10);
    write(cache, 'a', 2);
    write(cache, 'a', 1);
    const history = cache.get('a') as RecordedEvent[];
    expect(history.map((event) => [event.streamVersion, event.streamId, event.streamType, event.data])).toEqual([
      [1, 'a', 'note', { n: 0 }],
      [2, 'a', 'note', { n: 1 }],
      [3, 'a', 'note', { n: 2 }],
    ]);
    expect(cache.size).toEqual({ streams: 1, events: 3 });
  });

  it('holds at most its capacity in events, forgetting the least recently used streams first', () => {
    const cache = new RecentStreams(5);
    write(cache, 'a', 2);
    write(cache, 'b', 2);
    cache.get('a'); // a is now the most recent
    write(cache, 'c', 2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toHaveLength(2);
    expect(cache.get('c')).toHaveLength(2);
    expect(cache.size).toEqual({ streams: 2, events: 4 });
  });

  it('does not keep a stream longer than its capacity, and keeps nothing at capacity 0', () => {
    const cache = new RecentStreams(3);
    write(cache, 'a', 4);
    expect(cache.get('a')).toBeUndefined();
    const off = new RecentStreams(0);
    write(off, 'a', 1);
    expect(off.size).toEqual({ streams: 0, events: 0 });
  });

  it('forgets a stream on request', () => {
    const cache = new RecentStreams(10);
    write(cache, 'a', 2);
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toEqual({ streams: 0, events: 0 });
  });
});
