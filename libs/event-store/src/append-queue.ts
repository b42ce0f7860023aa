/** What became of one request of a batch: its value, or the error it alone failed with. */
export type Outcome<T> = { readonly value: T } | { readonly error: unknown };

interface Waiting<Request, Result> {
  readonly request: Request;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Group commit: requests that arrive while a batch is being written wait and
 * go together in the next one. Alone, a request is written at once; under
 * load, one statement, one lock and one commit serve many.
 */
export class AppendQueue<Request, Result> {
  private waiting: Waiting<Request, Result>[] = [];
  private writing = false;

  constructor(
    private readonly writeBatch: (requests: Request[]) => Promise<Outcome<Result>[]>,
    private readonly maxBatch: number,
  ) {}

  submit(request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        let outcomes: Outcome<Result>[];
        try {
          outcomes = await this.writeBatch(batch.map((waiting) => waiting.request));
        } catch (error) {
          outcomes = batch.map(() => ({ error }));
        }
        batch.forEach((waiting, i) => {
          const outcome = outcomes[i];
          if ('value' in outcome) waiting.resolve(outcome.value);
          else waiting.reject(outcome.error);
        });
      }
    } finally {
      this.writing = false;
    }
  }
}
