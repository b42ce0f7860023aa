import { DomainRuleViolation } from '@timeline/domain';

/**
 * The caller pinned the version it last saw (`expectedVersion`) and the stream
 * is elsewhere now. Not retried: the caller decided on a state that is gone.
 */
export class VersionMismatch extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the write asked for version ${expected} but ${streamId} is at version ${actual}`);
    this.name = 'VersionMismatch';
  }
}

/** The same idempotency key came with another request: the first answer is not this request's answer. */
export class IdempotencyKeyReused extends Error {
  constructor() {
    super('this idempotency key was already used with a different request');
    this.name = 'IdempotencyKeyReused';
  }
}

/** A revision or a claim names an event that no stream holds. */
export function eventNotFound(eventId: string): DomainRuleViolation {
  return new DomainRuleViolation('event_not_found', `no event has id ${eventId}`, 'eventId');
}
