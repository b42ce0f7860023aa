import type { Response } from 'express';
import { publishedBy, RecordedEvent } from '@timeline/domain';
import { TableLog } from '@timeline/log';
import type { Pool } from 'pg';
import type { FeedItem } from '@timeline/runtime';

export interface SubscriptionFilter {
  readonly types?: ReadonlySet<string>;
  readonly parties?: ReadonlySet<string>;
  readonly streams?: ReadonlySet<string>;
  /** Epoch milliseconds: only events whose own source had been published by then. */
  readonly reportedBy?: number;
}

export interface SubscriberLimits {
  /** Events queued for a client that does not read before it is cut off. */
  readonly maxQueuedEvents: number;
}

/**
 * One SSE client. It first catches up from PostgreSQL after the position it
 * resumes from, while live events wait in its buffer; then the buffer is
 * flushed past the last position sent, so the seam has no gap and no repeat.
 * A client that stops reading gets a bounded queue; past it, an `overflow`
 * event says where to resume, and the stream ends.
 */
export class Subscriber {
  private lastSent: bigint;
  private live = false;
  private readonly waiting: FeedItem[] = [];
  private readonly queue: string[] = [];
  private congested = false;
  closed = false;

  constructor(
    private readonly response: Response,
    private readonly filter: SubscriptionFilter,
    private readonly limits: SubscriberLimits,
    from: string,
    private readonly onClose: () => void,
  ) {
    this.lastSent = BigInt(from);
    response.on('drain', () => this.flushQueue());
  }

  /** Everything committed after the resume position, from the store, then the live tail. */
  async catchUp(pool: Pool, parties: (event: RecordedEvent) => Promise<readonly string[]>): Promise<void> {
    await new TableLog({ pool, batchSize: 500 }).catchUp({
      nextPosition: async () => this.lastSent + 1n,
      handle: async ({ events }) => {
        for (const event of events) {
          if (this.closed) return 0;
          await this.send({ event, parties: await parties(event) }, true);
        }
        return this.closed ? 0 : events.length;
      },
    });
    if (this.closed) return;
    this.live = true;
    for (const item of this.waiting.splice(0)) this.onLive(item);
  }

  onLive(item: FeedItem): void {
    if (this.closed) return;
    if (!this.live) {
      this.waiting.push(item);
      if (this.waiting.length > this.limits.maxQueuedEvents * 10) this.overflow('fell behind while catching up');
      return;
    }
    void this.send(item, false);
  }

  heartbeat(): void {
    if (!this.closed && !this.congested) this.response.write(': heartbeat\n\n');
  }

  private async send(item: FeedItem, waitForDrain: boolean): Promise<void> {
    const position = BigInt(item.event.position);
    if (position <= this.lastSent) return;
    if (!this.matches(item)) {
      // Skipped events move the resume point only when nothing before them waits unwritten.
      if (!this.congested && this.queue.length === 0) this.lastSent = position;
      return;
    }
    const frame = `id: ${item.event.position}\nevent: ${item.event.type}\ndata: ${JSON.stringify(item.event)}\n\n`;
    if (this.congested) {
      if (this.queue.length >= this.limits.maxQueuedEvents) return this.overflow('the client is not reading fast enough');
      this.queue.push(frame);
      return;
    }
    this.lastSent = position;
    if (!this.response.write(frame)) {
      this.congested = true;
      if (waitForDrain) await new Promise((resolve) => this.response.once('drain', resolve));
    }
  }

  private flushQueue(): void {
    this.congested = false;
    while (this.queue.length && !this.congested) {
      const frame = this.queue.shift()!;
      this.lastSent = BigInt(frame.slice(4, frame.indexOf('\n')));
      if (!this.response.write(frame)) this.congested = true;
    }
  }

  private matches({ event, parties }: FeedItem): boolean {
    if (this.filter.types && !this.filter.types.has(event.type)) return false;
    if (this.filter.streams && !this.filter.streams.has(event.streamId)) return false;
    if (this.filter.parties && !parties.some((party) => this.filter.parties!.has(party))) return false;
    if (this.filter.reportedBy !== undefined && !publishedBy(event, this.filter.reportedBy)) return false;
    return true;
  }

  private overflow(reason: string): void {
    if (this.closed) return;
    const resumeFrom = this.lastSent.toString();
    this.response.write(`event: overflow\ndata: ${JSON.stringify({ resumeFrom, reason })}\n\n`);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.waiting.length = 0;
    this.response.end();
    this.onClose();
  }
}
