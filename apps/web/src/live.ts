/**
 * New events over Server-Sent Events, read with fetch so that the stream can
 * carry the API key (EventSource cannot send headers). On a dropped
 * connection it reconnects with `Last-Event-ID`, so the server catches up
 * from where it stopped: no gap, no repeat.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { authHeaders, errorOf, type ApiError } from './api';
import type { StreamedEvent, StreamOverflow } from './types';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface LiveHandlers {
  onEvent(event: StreamedEvent): void;
  onStatus(status: LiveStatus, error?: ApiError): void;
}

export class LiveStream {
  private lastEventId: string | undefined;
  private controller: AbortController | undefined;
  private stopped = false;
  private retryMs = 1000;
  private failures = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly handlers: LiveHandlers) {
    // A stream over a network that went away can hang without an error: drop it at once,
    // and try again as soon as the network is back rather than after the back-off.
    window.addEventListener('offline', () => this.controller?.abort());
    window.addEventListener('online', () => this.wake?.());
  }

  start(): void {
    this.stopped = false;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }

  /** Drops the current connection and connects again at once (a new key, say). */
  restart(): void {
    this.controller?.abort();
    this.failures = 0;
    if (this.stopped) this.start();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.handlers.onStatus(this.failures ? 'reconnecting' : 'connecting');
      const refused = await this.connectOnce().catch(() => undefined);
      if (this.stopped) return;
      if (refused) {
        this.handlers.onStatus('refused', refused);
        this.stopped = true;
        return;
      }
      this.failures += 1;
      this.handlers.onStatus('reconnecting');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(this.retryMs * 2 ** Math.min(this.failures - 1, 4), 15_000));
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = undefined;
    }
  }

  /** One connection, read until it ends; answers the error when the API refuses us. */
  private async connectOnce(): Promise<ApiError | undefined> {
    this.controller = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...authHeaders() };
    if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
    const response = await fetch('/v1/events/stream', { headers, signal: this.controller.signal, cache: 'no-store' });
    if (response.status === 401 || response.status === 403) return errorOf(response);
    if (!response.ok || !response.body) return undefined;
    this.failures = 0;
    this.handlers.onStatus('live');
    const parser = createParser({
      onEvent: (message: EventSourceMessage) => this.onMessage(message),
      onRetry: (ms: number) => (this.retryMs = ms),
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return undefined;
      parser.feed(value);
    }
  }

  private onMessage(message: EventSourceMessage): void {
    if (message.event === 'overflow') {
      // The server cut us off as a slow reader; resume from where it says.
      const { resumeFrom } = JSON.parse(message.data) as StreamOverflow;
      this.lastEventId = resumeFrom;
      return;
    }
    if (message.id) this.lastEventId = message.id;
    this.handlers.onEvent(JSON.parse(message.data) as StreamedEvent);
  }
}
