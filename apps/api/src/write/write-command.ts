import type { Response } from 'express';
import type { AggregateCommand } from '@timeline/domain';
import type { FactInput, WriteMeta, WriteOutcome, WriteResult } from '@timeline/write';

/**
 * A command to one aggregate as the command bus carries it: the domain
 * command, when the fact took effect and on what source, and who writes.
 * Each use case declares its own subclass and handler; a controller and the
 * seed loader send the same ones.
 */
export abstract class AggregateWriteCommand<Command extends AggregateCommand = AggregateCommand> {
  constructor(
    readonly command: Command,
    readonly fact: FactInput,
    readonly meta: WriteMeta,
  ) {}
}

/** The body's fields that are the command's data: those sent, without the fact's time, source and confidence. */
export function commandData<Body extends object>(body: Body): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (value !== undefined && name !== 'effectiveAt' && name !== 'source' && name !== 'confidence') data[name] = value;
  }
  return data;
}

/**
 * ETag and replay marker of a write's answer; the status is the route's
 * (`@HttpCode`), the same for a repeat under the same Idempotency-Key, which
 * names the same method and path.
 */
export function sendWriteAnswer(response: Response, outcome: WriteOutcome): WriteResult {
  response.setHeader('ETag', `"${outcome.version}"`);
  if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
  const { replayed: _replayed, ...result } = outcome;
  return result;
}
