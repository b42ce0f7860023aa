import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { AuthenticatedRequest } from '../auth/access.guard';
import type { WriteMeta } from '@timeline/write';
import { invalidRequest } from './problem';

export type { WriteMeta } from '@timeline/write';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Who writes (the key's actor), under which correlation (X-Correlation-Id), against which
 * version (If-Match) and under which Idempotency-Key (scoped to the actor, with a hash of the
 * method, path, If-Match and body): the write core's metadata, read from the request.
 */
export const Write = createParamDecorator((_: unknown, context: ExecutionContext): WriteMeta => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  // The access guard has run: a write always has an editor's or admin's key behind it.
  const actor = request.principal?.actor;
  if (!actor) throw new Error('a write reached its handler without a principal');
  const errors = [];

  const correlationHeader = request.header('x-correlation-id');
  if (correlationHeader !== undefined && !UUID.test(correlationHeader)) {
    errors.push({ field: 'X-Correlation-Id', message: 'must be a UUID' });
  }

  let expectedVersion: number | undefined;
  const ifMatch = request.header('if-match');
  if (ifMatch !== undefined) {
    const match = ifMatch.trim().match(/^(?:W\/)?"?(\d{1,9})"?$/);
    if (!match || Number(match[1]) < 1) {
      errors.push({ field: 'If-Match', message: 'must be the version from the ETag, like "3"' });
    } else {
      expectedVersion = Number(match[1]);
    }
  }

  let idempotency: WriteMeta['idempotency'];
  const key = request.header('idempotency-key');
  if (key !== undefined) {
    if (!IDEMPOTENCY_KEY.test(key)) {
      errors.push({ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' });
    } else {
      const fingerprint = createHash('sha256')
        .update(JSON.stringify([request.method, request.path, ifMatch ?? null, request.body ?? null]))
        .digest('hex');
      idempotency = { key: JSON.stringify([actor, key]), fingerprint };
    }
  }
  if (errors.length > 0) throw invalidRequest(errors);

  return { actor, correlationId: correlationHeader ?? uuidv7(), expectedVersion, idempotency };
});
