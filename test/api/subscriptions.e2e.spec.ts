import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import { v7 as uuidv7 } from 'uuid';
import type { RecordedEvent } from '@timeline/domain';
import { newTestEvent } from '../support/events';
import { connectSse, eventFrames } from '../support/sse';
import { startTestApp, TestApp } from '../support/test-app';
import { describeApi } from '../../apps/api/src/openapi';

/** What an event frame's data breaks of the document's RecordedEventDto, with no field beyond it: none, when it conforms. */
async function streamedEventProblems(): Promise<(data: unknown) => string[]> {
  const document = await describeApi();
  const schema = { ...document.components!.schemas!.RecordedEventDto, additionalProperties: false, components: document.components };
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`));
}

describe.each([
  { backend: 'postgres' as const, kafka: true },
  { backend: 'pglite' as const, kafka: false },
])('subscriptions over SSE on $backend (kafka: $kafka)', ({ backend, kafka }) => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ backend, kafka, env: { SSE_MAX_QUEUED_EVENTS: '1000', SSE_HEARTBEAT_MS: '200' } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());
  const sse = (path: string, headers: Record<string, string> = {}) =>
    connectSse(port, path, { authorization: `Bearer ${t.adminKey}`, ...headers });

  /** Appends `count` events over `streams` streams, `perAppend` at a time; returns them as stored. */
  async function burst(count: number, streams = 5, perAppend = 1, payload = 0): Promise<RecordedEvent[]> {
    const ids = Array.from({ length: streams }, () => `commitment-${uuidv7()}`);
    const versions = new Map<string, number>();
    for (let i = 0; i < count; i += perAppend) {
      const streamId = ids[(i / perAppend) % streams];
      const version = versions.get(streamId) ?? 0;
      const events = Array.from({ length: Math.min(perAppend, count - i) }, (_, k) =>
        newTestEvent({ type: 'CommitmentDisbursed', data: { n: i + k, padding: 'x'.repeat(payload), by: 'RU', to: 'BY' } }),
      );
      await t.runtime.store.append({ streamId, streamType: 'commitment', expectedVersion: version === 0 ? 'no_stream' : version, events });
      versions.set(streamId, version + events.length);
    }
    const all = await t.runtime.store.readAll({ after: '0', limit: 1_000_000 });
    const wanted = new Set(ids);
    return all.filter((event) => wanted.has(event.streamId));
  }

  it('catches up from a position, goes on live, and resumes after a drop mid-burst with no gap and no repeat', async () => {
    const start = await t.runtime.store.headPosition();
    const first = sse(`/v1/events/stream?from=${start}`);
    expect((await first.response).headers['content-type']).toMatch(/^text\/event-stream/);
    const written = burst(300, 6);
    await first.until((frames) => eventFrames(frames).length >= 80);
    first.close();
    const received = eventFrames(first.frames).slice();
    const resumeAt = received[received.length - 1].id!;
    const events = await written;

    const second = sse('/v1/events/stream', { 'last-event-id': resumeAt });
    await second.until((frames) => eventFrames(frames).length >= events.length - received.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    second.close();
    const all = [...received, ...eventFrames(second.frames)];
    expect(all.map((frame) => frame.id)).toEqual(events.map((event) => event.position));
    expect(JSON.parse(all[0].data!)).toEqual(events[0]);
    // Each frame's data is what the OpenAPI document says the stream sends (the page's types are generated from it).
    const problems = await streamedEventProblems();
    for (const frame of all) expect(problems(JSON.parse(frame.data!))).toEqual([]);
  });

  it('a subscriber that drops and reconnects at random during a load of writes ends with exactly the events written, in order', async () => {
    const start = await t.runtime.store.headPosition();
    let writing = true;
    const load = burst(400, 7).finally(() => (writing = false));
    const received: string[] = [];
    let last = start;
    for (let round = 0; writing || round < 2; round++) {
      const connection = sse('/v1/events/stream', { 'last-event-id': last });
      await connection.response;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.floor(Math.random() * 120)));
      connection.close();
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (const frame of eventFrames(connection.frames)) received.push(frame.id!);
      if (received.length) last = received[received.length - 1];
    }
    const events = await load;
    const final = sse('/v1/events/stream', { 'last-event-id': last });
    const remaining = events.length - received.length;
    await final.until((frames) => eventFrames(frames).length >= remaining);
    await new Promise((resolve) => setTimeout(resolve, 200));
    final.close();
    received.push(...eventFrames(final.frames).map((frame) => frame.id!));
    expect(received).toEqual(events.map((event) => event.position));
  }, 120_000);

  it('delivers every matching event, in per-stream order, to 100 concurrent subscribers', async () => {
    const start = await t.runtime.store.headPosition();
    const subscribers = Array.from({ length: 100 }, () => sse(`/v1/events/stream?from=${start}&types=CommitmentDisbursed&parties=BY`));
    await Promise.all(subscribers.map((subscriber) => subscriber.response));
    const events = await burst(120, 8);
    await Promise.all(subscribers.map((subscriber) => subscriber.until((frames) => eventFrames(frames).length >= events.length)));
    for (const subscriber of subscribers) {
      subscriber.close();
      const got = eventFrames(subscriber.frames).map((frame) => JSON.parse(frame.data!) as RecordedEvent);
      expect(got.map((event) => event.id)).toEqual(events.map((event) => event.id));
    }
  }, 120_000);

  it('filters by type, party and stream', async () => {
    const start = await t.runtime.store.headPosition();
    const events = await burst(10, 2);
    const byStream = sse(`/v1/events/stream?from=${start}&streams=${events[0].streamId}`);
    const nobody = sse(`/v1/events/stream?from=${start}&parties=EU`);
    const otherType = sse(`/v1/events/stream?from=${start}&types=TrackOpened`);
    const expected = events.filter((event) => event.streamId === events[0].streamId);
    await byStream.until((frames) => eventFrames(frames).length >= expected.length);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const connection of [byStream, nobody, otherType]) connection.close();
    expect(eventFrames(byStream.frames).map((frame) => frame.id)).toEqual(expected.map((event) => event.position));
    expect(eventFrames(nobody.frames)).toEqual([]);
    expect(eventFrames(otherType.frames)).toEqual([]);
    expect(nobody.frames.length + otherType.frames.length).toBe(0);
  });

  it('cuts off a client that does not read, telling it where to resume, while others keep up', async () => {
    const start = await t.runtime.store.headPosition();
    const slow = sse(`/v1/events/stream?from=${start}`);
    const fast = sse(`/v1/events/stream?from=${start}`);
    await Promise.all([slow.response, fast.response]);
    await fast.until(() => true);
    slow.pause();
    const events = await burst(3000, 3, 100, 4000);
    await fast.until((frames) => eventFrames(frames).length >= events.length, 60_000);
    slow.resume();
    await slow.ended;
    const overflow = slow.frames.find((frame) => frame.event === 'overflow');
    expect(overflow).toBeDefined();
    const { resumeFrom } = JSON.parse(overflow!.data!);
    const slowIds = eventFrames(slow.frames).map((frame) => frame.id);
    expect(resumeFrom).toBe(slowIds[slowIds.length - 1] ?? start);
    expect(slowIds.length).toBeLessThan(events.length);
    fast.close();
    expect(eventFrames(fast.frames).map((frame) => frame.id)).toEqual(events.map((event) => event.position));
  }, 120_000);

  it('takes reportedBy: only events whose source had been published by the end of that date, live and in the catch-up', async () => {
    const start = await t.runtime.store.headPosition();
    const streamId = `commitment-${uuidv7()}`;
    const path = (extra: string) => `/v1/events/stream?from=${start}&streams=${streamId}${extra}`;
    const live = sse(path('&reportedBy=2021-09-08'));
    const everything = sse(path(''));
    await live.response;
    await everything.response;
    const published = (publishedAt: string | undefined, n: number) =>
      newTestEvent({
        type: 'CommitmentDisbursed',
        data: { n, by: 'RU', to: 'BY' },
        source: { title: `Report ${n}`, publisher: 'Tests (made up)', quote: 'it happened', ...(publishedAt && { publishedAt }) },
      });
    // Published on the 8th (counted through its end), on the 9th, in a range from the 1st, and undated (counts from its recording).
    const events = [published('2021-09-08', 1), published('2021-09-09', 2), published('2021-09-01/2021-09-30', 3), published(undefined, 4)];
    await t.runtime.store.append({ streamId, streamType: 'commitment', expectedVersion: 'no_stream', events });
    await everything.until((frames) => eventFrames(frames).length === 4);
    const caughtUp = sse(path('&reportedBy=2021-09-08'));
    await caughtUp.until((frames) => eventFrames(frames).length >= 2);
    // Whatever else would come has come with the unfiltered stream; wait a little for a stray one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const connection of [live, everything, caughtUp]) connection.close();
    const ns = (connection: typeof live) =>
      eventFrames(connection.frames).map((frame) => (JSON.parse(frame.data!) as { data: { n: number } }).data.n);
    expect(ns(everything)).toEqual([1, 2, 3, 4]);
    expect(ns(live)).toEqual([1, 3]);
    expect(ns(caughtUp)).toEqual([1, 3]);

    const refused = await fetch(`http://127.0.0.1:${port}/v1/events/stream?reportedBy=2021-13-40`, {
      headers: { authorization: `Bearer ${t.adminKey}`, accept: 'text/event-stream' },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await refused.text()).toMatch(/reportedBy/);
  });

  it('sends heartbeats, and refuses a bad Last-Event-ID or filter with a problem document', async () => {
    const idle = sse('/v1/events/stream?types=TrackOpened');
    const raw = await idle.response;
    let text = '';
    raw.on('data', (chunk) => (text += chunk));
    // Heartbeats every 200 ms here; a loaded machine may delay the first, so wait for it up to 10 s.
    const deadline = Date.now() + 10_000;
    while (!/: heartbeat/.test(text) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    idle.close();
    expect(text).toMatch(/: heartbeat/);
    const bad = sse('/v1/events/stream', { 'last-event-id': 'yesterday' });
    expect((await bad.response).statusCode).toBe(400);
    const unknown = sse('/v1/events/stream?types=Nope');
    expect((await unknown.response).statusCode).toBe(400);
  });

  it('answers a HEAD with the stream headers and ends it, holding nothing open (found by the fuzz job: it hung)', async () => {
    const head = await t.http().head('/v1/events/stream').timeout(5_000).expect(200);
    expect(head.headers['content-type']).toMatch(/^text\/event-stream/);
  });
});
