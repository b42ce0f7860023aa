import type { Response } from 'express';
import type { WriteAnswer, WriteBody } from './commitment-writer';

/** Status, ETag and replay marker of a write's answer. */
export function sendWriteAnswer(response: Response, answer: WriteAnswer): WriteBody {
  response.status(answer.status);
  response.setHeader('ETag', `"${answer.body.version}"`);
  if (answer.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return answer.body;
}
