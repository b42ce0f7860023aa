import { RecordedEvent } from './envelope';
import { upcast, UnknownSchemaVersion, UPCASTERS, UpcasterTable } from './upcasting';

const stored = (schemaVersion: number, data: object): RecordedEvent => ({
  id: 'e1',
  type: 'CommitmentDisbursed',
  schemaVersion,
  data,
  streamId: 'commitment-c1',
  streamType: 'commitment',
  streamVersion: 2,
  position: '10',
  effectiveAt: { at: '2021-12-01T00:00:00.000Z', precision: 'month' },
  recordedAt: '2026-01-01T00:00:00.000Z',
  actor: 'a',
  source: { title: 's' },
  confidence: 'reported',
  correlationId: 'c',
  causationId: null,
});

// An imagined history of the type: v1 had a number, v2 a string, v3 named the currency.
const table: UpcasterTable = {
  CommitmentDisbursed: {
    1: (data) => ({ ...data, amount: String(data.amount) }),
    2: ({ money, ...data }) => ({ ...data, currency: money }),
  },
};

describe('upcasting on read', () => {
  it('lifts an old version step by step to the newest', () => {
    expect(upcast(stored(1, { amount: 5, money: 'USD' }), table)).toMatchObject({
      schemaVersion: 3,
      data: { amount: '5', currency: 'USD' },
    });
    expect(upcast(stored(2, { amount: '5', money: 'USD' }), table)).toMatchObject({
      schemaVersion: 3,
      data: { amount: '5', currency: 'USD' },
    });
  });

  it('leaves current events as they are, and refuses a version it cannot read', () => {
    const current = stored(3, { amount: '5', currency: 'USD' });
    expect(upcast(current, table)).toBe(current);
    expect(() => upcast(stored(7, {}), table)).toThrow(UnknownSchemaVersion);
  });

  it('has nothing to do today: every type is at version 1', () => {
    expect(UPCASTERS).toEqual({});
    const event = stored(1, { amount: '5', currency: 'USD' });
    expect(upcast(event)).toBe(event);
    // A record from a later release is refused rather than read as if it were current.
    expect(() => upcast(stored(2, { amount: '5', currency: 'USD' }))).toThrow(UnknownSchemaVersion);
  });
});
