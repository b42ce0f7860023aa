import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { NewEvent } from '@timeline/domain';

/** A valid event to append, for tests of the store and the log. */
export function newTestEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: uuidv7(),
    type: 'TestEventHappened',
    schemaVersion: 1,
    effectiveAt: { at: '2021-09-09T00:00:00.000Z', precision: 'day' },
    source: { title: 'Test source', publisher: 'Tests', quote: 'it happened' },
    confidence: 'confirmed',
    actor: 'test-suite',
    correlationId: randomUUID(),
    causationId: null,
    data: { n: 1 },
    ...overrides,
  };
}
