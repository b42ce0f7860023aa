import { randomUUID } from 'node:crypto';
import { writeHeaders } from '../../support/auth';

/** A write the service answered 2xx, with the events it said it recorded. */
export interface AnsweredWrite {
  readonly idempotencyKey: string;
  readonly status: number;
  readonly commitmentId: string;
  readonly eventIds: string[];
  readonly position: string;
}

export interface LoadReport {
  readonly answered: AnsweredWrite[];
  /** Writes that never got a 2xx, even after retries with their Idempotency-Key. */
  readonly failed: number;
  /** Attempts that failed and were retried (a timeout, a reset connection, a 5xx or 503). */
  readonly retried: number;
}

const SOURCE = { title: 'Fault suite', publisher: 'Tests', quote: 'written under faults' };

/**
 * Writers that record commitments and disburse on them until stopped, as a
 * careful client does: every write carries an Idempotency-Key and is retried
 * with the same key when the answer does not come or is a 5xx.
 */
export class WriteLoad {
  private stopping = false;
  private readonly answered: AnsweredWrite[] = [];
  private failed = 0;
  private retried = 0;
  private running: Promise<void>[] = [];

  constructor(
    private readonly baseUrl: () => string,
    private readonly options: { writers: number; attempts?: number; retryDelayMs?: number },
  ) {}

  start(): void {
    this.running = Array.from({ length: this.options.writers }, (_, index) => this.writer(index));
  }

  async stop(): Promise<LoadReport> {
    this.stopping = true;
    await Promise.all(this.running);
    return { answered: [...this.answered], failed: this.failed, retried: this.retried };
  }

  get answeredCount(): number {
    return this.answered.length;
  }

  /** Waits until at least `count` more writes were answered. */
  async progress(count: number, timeoutMs = 60_000): Promise<void> {
    const target = this.answered.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.answered.length < target) {
      if (Date.now() > deadline) throw new Error(`load made no progress: ${this.answered.length} of ${target} writes answered`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  private async writer(index: number): Promise<void> {
    while (!this.stopping) {
      const commitmentId = randomUUID();
      const recorded = await this.write(commitmentId, '/v1/commitments', {
        id: commitmentId,
        kind: 'loan',
        title: `Loan ${index}-${commitmentId.slice(0, 8)}`,
        by: 'RU',
        to: 'BY',
        status: 'pledged',
        effectiveAt: '2021-09-09',
        terms: { amount: '1000000', currency: 'USD' },
        source: SOURCE,
      });
      if (!recorded) continue;
      for (let n = 0; n < 4 && !this.stopping; n++) {
        await this.write(commitmentId, `/v1/commitments/${commitmentId}/disbursements`, {
          amount: String(n + 1),
          currency: 'USD',
          effectiveAt: `2021-10-${String(n + 10)}`,
          source: SOURCE,
        });
      }
    }
  }

  private async write(commitmentId: string, path: string, body: object): Promise<boolean> {
    const idempotencyKey = randomUUID();
    const attempts = this.options.attempts ?? 20;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(`${this.baseUrl()}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, ...writeHeaders() },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const answer = (await response.json()) as { id: string; eventIds: string[]; position: string };
        if (response.ok) {
          this.answered.push({
            idempotencyKey,
            status: response.status,
            commitmentId,
            eventIds: answer.eventIds,
            position: answer.position,
          });
          return true;
        }
        if (response.status < 500) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
      } catch (error) {
        if ((error as Error).message.includes(' answered 4')) throw error;
      }
      this.retried++;
      await new Promise((done) => setTimeout(done, this.options.retryDelayMs ?? 200));
    }
    this.failed++;
    return false;
  }
}
