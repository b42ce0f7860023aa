import type { NewEvent, RecordedEvent } from '@timeline/domain';

/** `any`: no check; `no_stream`: the stream must not exist; a number: the stream must be at it. */
export type ExpectedVersion = 'any' | 'no_stream' | number;

export interface IdempotentWrite {
  /** Client's Idempotency-Key, already scoped to the caller. */
  readonly key: string;
  /** Hash of the request: the same key with another request is refused. */
  readonly fingerprint: string;
  /** The answer to keep and to give again on a repeat (JSON). */
  readonly respond: (result: AppendResult) => unknown;
}

export interface StoredResponse {
  readonly body: unknown;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly streamType: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
  readonly idempotency?: IdempotentWrite;
}

export interface AppendResult {
  readonly streamId: string;
  /** Stream version after the append. */
  readonly version: number;
  readonly events: readonly { id: string; position: string; streamVersion: number; recordedAt: string }[];
  /** Global position of the last event appended. */
  readonly position: string;
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive); `'0'` from the start. */
  readonly after: string;
  readonly limit: number;
}

/** The append-only event store: PostgreSQL, or PGlite with the same SQL. */
export interface EventStore {
  append(request: AppendRequest): Promise<AppendResult>;
  readStream(streamId: string): Promise<RecordedEvent[]>;
  /** Events in global position order; never skips one that commits later. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  readEvent(eventId: string): Promise<RecordedEvent | undefined>;
  headPosition(): Promise<string>;
  findIdempotentResponse(key: string): Promise<(StoredResponse & { fingerprint: string }) | undefined>;
}

export class WrongExpectedVersion extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${expected === 'no_stream' ? 'no stream' : expected}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** An Idempotency-Key that was already used, possibly by a request still in flight. */
export class IdempotencyKeyTaken extends Error {
  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} is already used`);
    this.name = 'IdempotencyKeyTaken';
  }
}
