import { AGGREGATES, isClaimEventType, isRevisionEventType } from '@timeline/domain';
import { dataSchema, EVENT_TYPES } from './schemas';

describe('the published JSON Schemas', () => {
  it('describe every event type of every aggregate in the registry, and no other but revisions and claims', () => {
    const decided = AGGREGATES.flatMap((aggregate) => aggregate.eventTypes);
    expect(decided.filter((type) => dataSchema(type) === undefined)).toEqual([]);
    expect(EVENT_TYPES.filter((type) => !decided.includes(type) && !isRevisionEventType(type) && !isClaimEventType(type))).toEqual([]);
  });

  it("require each aggregate's id field in the data of each of its events", () => {
    for (const aggregate of AGGREGATES) {
      for (const type of aggregate.eventTypes) {
        expect({ type, required: (dataSchema(type) as { required?: string[] }).required }).toEqual({
          type,
          required: expect.arrayContaining([aggregate.idField]),
        });
      }
    }
  });
});
