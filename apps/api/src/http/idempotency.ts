import { HttpStatus } from '@nestjs/common';
import type { EventStore } from '@timeline/event-store';
import { ProblemException } from './problem';
import type { WriteContext } from './write-context';

export interface StoredAnswer<Body> {
  readonly status: number;
  readonly body: Body;
  readonly replayed: true;
}

/**
 * The answer already given to this Idempotency-Key, if any. The same key with
 * another request (method, path, If-Match or body) is refused with 422.
 */
export async function replayStoredAnswer<Body>(store: EventStore, context: WriteContext): Promise<StoredAnswer<Body> | undefined> {
  if (!context.idempotency) return undefined;
  const stored = await store.findIdempotentResponse(context.idempotency.key);
  if (!stored) return undefined;
  if (stored.fingerprint !== context.idempotency.fingerprint) {
    throw new ProblemException(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'idempotency_key_reused',
      'The Idempotency-Key was used for another request',
      'this Idempotency-Key was already used with a different method, path, If-Match or body',
      [{ field: 'Idempotency-Key', message: 'was already used for a different request' }],
    );
  }
  return { status: stored.status, body: stored.body as Body, replayed: true };
}
