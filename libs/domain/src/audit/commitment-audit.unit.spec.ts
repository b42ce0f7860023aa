import { StreamBuilder } from '../temporal/temporal-fixtures';
import { commitmentHistory, effectiveAxis, knowledgeAxis } from './audit';

const LATER = '2030-01-01T00:00:00.000Z';
const RESTRICTIONS = ['to be spent on Russian goods'];

/**
 * The loan: recorded as pledged in September 2021; a claim that it was broken
 * in November; 300 million disbursed on 15 December 2021; learned in March 2022
 * that since 20 September 2021 it carried a restriction; the disbursement
 * corrected to 250 million; the "broken" claim retracted, in the same
 * transaction as a note on the second tranche.
 */
function loan() {
  const stream = new StreamBuilder();
  const record = stream.record('2021-09', '2021-10-01T09:00:00Z'); // v1
  const broken = stream.status('pledged', 'broken', '2021-11', '2021-11-20T09:00:00Z'); // v2
  const payment = stream.disburse('300000000', '2021-12-15', '2022-01-10T09:00:00Z'); // v3
  const amendment = stream.amend({ restrictions: RESTRICTIONS }, '2021-09-20', '2022-03-01T09:00:00Z'); // v4
  const correction = stream.correct(payment, { data: { amount: '250000000' } }, '2022-04-01T09:00:00Z'); // v5
  const retraction = stream.retract(broken, '2022-05-01T09:00:00Z'); // v6
  const note = stream.amend({ description: 'second tranche delayed' }, '2022-04', '2022-05-01T09:00:00Z'); // v7
  return { stream, record, broken, payment, amendment, correction, retraction, note };
}

const RECORDED = [
  { path: 'by', from: null, to: 'RU' },
  { path: 'currency', from: null, to: 'USD' },
  { path: 'disbursed', from: null, to: '0' },
  { path: 'kind', from: null, to: 'loan' },
  { path: 'outstanding', from: null, to: '600000000' },
  { path: 'status', from: null, to: 'pledged' },
  { path: 'terms', from: null, to: { amount: '600000000', currency: 'USD' } },
  { path: 'title', from: null, to: 'State loan of USD 600 million' },
  { path: 'to', from: null, to: 'BY' },
];

describe('commitmentHistory', () => {
  it('lists every version in stream order with the changes it made to the record', () => {
    const { stream } = loan();
    const history = commitmentHistory([...stream.events].reverse());
    expect(history.map((version) => [version.version, version.eventId, version.type, version.changes])).toEqual([
      [1, 'e1', 'CommitmentRecorded', RECORDED],
      [2, 'e2', 'CommitmentStatusChanged', [{ path: 'status', from: 'pledged', to: 'broken' }]],
      [
        3,
        'e3',
        'CommitmentDisbursed',
        [
          { path: 'disbursed', from: '0', to: '300000000' },
          { path: 'outstanding', from: '600000000', to: '300000000' },
        ],
      ],
      [4, 'e4', 'CommitmentTermsAmended', [{ path: 'terms.restrictions', from: null, to: RESTRICTIONS }]],
      [
        5,
        'e5',
        'EventCorrected',
        [
          { path: 'disbursed', from: '300000000', to: '250000000' },
          { path: 'outstanding', from: '300000000', to: '350000000' },
        ],
      ],
      [6, 'e6', 'EventRetracted', [{ path: 'status', from: 'broken', to: 'pledged' }]],
      [7, 'e7', 'CommitmentTermsAmended', [{ path: 'terms.description', from: null, to: 'second tranche delayed' }]],
    ]);
  });

  it('keeps the envelope of each version as recorded', () => {
    const { stream, payment } = loan();
    const version = commitmentHistory(stream.events)[2];
    expect(version).toEqual({
      version: 3,
      eventId: 'e3',
      type: 'CommitmentDisbursed',
      effectiveAt: payment.effectiveAt,
      recordedAt: '2022-01-10T09:00:00.000Z',
      actor: 'test',
      source: { title: 'test' },
      confidence: 'confirmed',
      correlationId: 'c3',
      causationId: null,
      changes: [
        { path: 'disbursed', from: '0', to: '300000000' },
        { path: 'outstanding', from: '600000000', to: '300000000' },
      ],
      correctedBy: [{ eventId: 'e5', recordedAt: '2022-04-01T09:00:00.000Z' }],
    });
  });

  it('points revisions at what they fix, and marks the fixed versions', () => {
    const history = commitmentHistory(loan().stream.events);
    const [v1, v2, v3, v4, v5, v6, v7] = history;
    expect(v5.fixes).toEqual({ eventId: 'e3', type: 'CommitmentDisbursed', kind: 'correction' });
    expect(v6.fixes).toEqual({ eventId: 'e2', type: 'CommitmentStatusChanged', kind: 'retraction' });
    expect(v2.retracted).toEqual({ by: 'e6', recordedAt: '2022-05-01T09:00:00.000Z' });
    expect(v3.correctedBy).toEqual([{ eventId: 'e5', recordedAt: '2022-04-01T09:00:00.000Z' }]);
    for (const version of [v1, v4, v7]) {
      expect(version).not.toHaveProperty('fixes');
      expect(version).not.toHaveProperty('retracted');
      expect(version).not.toHaveProperty('correctedBy');
    }
    expect(v2).not.toHaveProperty('correctedBy');
    expect(v3).not.toHaveProperty('retracted');
  });

  it('shows a revision that folds ignore, changing and marking nothing', () => {
    const { stream, payment } = loan();
    stream.retract({ ...payment, id: 'nowhere' }, '2022-06-01T00:00:00Z'); // v8
    stream.correct(payment, { data: { amount: '1' } }, '2022-06-01T00:00:00Z', 'CommitmentRecorded'); // v9
    const history = commitmentHistory(stream.events);
    expect(history[7]).toMatchObject({
      changes: [],
      fixes: { eventId: 'nowhere', type: 'CommitmentDisbursed', kind: 'retraction', ignored: 'unknown_event' },
    });
    expect(history[8]).toMatchObject({
      changes: [],
      fixes: { eventId: 'e3', type: 'CommitmentDisbursed', kind: 'correction', ignored: 'event_type_mismatch' },
    });
    expect(history[2].correctedBy).toEqual([{ eventId: 'e5', recordedAt: '2022-04-01T09:00:00.000Z' }]);
  });

  it('removes every field when the record itself is retracted', () => {
    const { stream, record } = loan();
    stream.retract(record, '2022-06-01T00:00:00Z');
    const history = commitmentHistory(stream.events);
    expect(history[0].retracted).toEqual({ by: 'e8', recordedAt: '2022-06-01T00:00:00.000Z' });
    expect(history[7].changes.map((change) => [change.path, change.to])).toEqual([
      ['by', null],
      ['currency', null],
      ['disbursed', null],
      ['kind', null],
      ['outstanding', null],
      ['status', null],
      ['terms', null],
      ['title', null],
      ['to', null],
    ]);
  });

  it('is empty for an empty stream', () => {
    expect(commitmentHistory([])).toEqual([]);
  });
});

describe('knowledgeAxis', () => {
  it('lists each recorded time with what we then learned', () => {
    const axis = knowledgeAxis(loan().stream.events);
    expect(axis).toEqual([
      { recordedAt: '2021-10-01T09:00:00.000Z', eventIds: ['e1'], types: ['CommitmentRecorded'], changes: RECORDED },
      {
        recordedAt: '2021-11-20T09:00:00.000Z',
        eventIds: ['e2'],
        types: ['CommitmentStatusChanged'],
        changes: [{ path: 'status', from: 'pledged', to: 'broken' }],
      },
      {
        recordedAt: '2022-01-10T09:00:00.000Z',
        eventIds: ['e3'],
        types: ['CommitmentDisbursed'],
        changes: [
          { path: 'disbursed', from: '0', to: '300000000' },
          { path: 'outstanding', from: '600000000', to: '300000000' },
        ],
      },
      {
        recordedAt: '2022-03-01T09:00:00.000Z',
        eventIds: ['e4'],
        types: ['CommitmentTermsAmended'],
        changes: [{ path: 'terms.restrictions', from: null, to: RESTRICTIONS }],
      },
      {
        recordedAt: '2022-04-01T09:00:00.000Z',
        eventIds: ['e5'],
        types: ['EventCorrected'],
        changes: [
          { path: 'disbursed', from: '300000000', to: '250000000' },
          { path: 'outstanding', from: '300000000', to: '350000000' },
        ],
      },
      {
        recordedAt: '2022-05-01T09:00:00.000Z',
        eventIds: ['e6', 'e7'],
        types: ['EventRetracted', 'CommitmentTermsAmended'],
        changes: [
          { path: 'status', from: 'broken', to: 'pledged' },
          { path: 'terms.description', from: null, to: 'second tranche delayed' },
        ],
      },
    ]);
  });

  it('says when we learned of the restriction: at the amendment, not at its effective time', () => {
    const { stream, amendment } = loan();
    const learned = knowledgeAxis(stream.events).filter((entry) => entry.changes.some((change) => change.path === 'terms.restrictions'));
    expect(learned.map((entry) => entry.recordedAt)).toEqual([amendment.recordedAt]);
    expect(amendment.recordedAt).toBe('2022-03-01T09:00:00.000Z');
    expect(amendment.effectiveAt.at).toBe('2021-09-20T00:00:00.000Z');
  });

  it('is empty for an empty stream', () => {
    expect(knowledgeAxis([])).toEqual([]);
  });
});

describe('effectiveAxis', () => {
  it('lists the stretches of valid time as known now, with what changed at each start', () => {
    const axis = effectiveAxis(loan().stream.events, LATER);
    expect(axis.map(({ validFrom, validTo, changes, eventIds }) => ({ validFrom, validTo, changes, eventIds }))).toEqual([
      { validFrom: '2021-09-01T00:00:00.000Z', validTo: '2021-09-20T00:00:00.000Z', changes: RECORDED, eventIds: ['e1'] },
      {
        validFrom: '2021-09-20T00:00:00.000Z',
        validTo: '2021-09-20T23:59:59.999Z',
        changes: [{ path: 'terms.restrictions', from: null, to: RESTRICTIONS }],
        eventIds: ['e4'],
      },
      { validFrom: '2021-09-20T23:59:59.999Z', validTo: '2021-09-30T23:59:59.999Z', changes: [], eventIds: [] },
      { validFrom: '2021-09-30T23:59:59.999Z', validTo: '2021-12-15T00:00:00.000Z', changes: [], eventIds: [] },
      {
        validFrom: '2021-12-15T00:00:00.000Z',
        validTo: '2021-12-15T23:59:59.999Z',
        changes: [
          { path: 'disbursed', from: '0', to: '250000000' },
          { path: 'outstanding', from: '600000000', to: '350000000' },
        ],
        eventIds: ['e3'],
      },
      { validFrom: '2021-12-15T23:59:59.999Z', validTo: '2022-04-01T00:00:00.000Z', changes: [], eventIds: [] },
      {
        validFrom: '2022-04-01T00:00:00.000Z',
        validTo: '2022-04-30T23:59:59.999Z',
        changes: [{ path: 'terms.description', from: null, to: 'second tranche delayed' }],
        eventIds: ['e7'],
      },
      { validFrom: '2022-04-30T23:59:59.999Z', validTo: null, changes: [], eventIds: [] },
    ]);
    expect(axis.map((entry) => entry.uncertain.map((event) => event.eventId))).toEqual([
      ['e1'],
      ['e1', 'e4'],
      ['e1'],
      [],
      ['e3'],
      [],
      ['e7'],
      [],
    ]);
  });

  it('shows the past as it was known then: broken in November, no restriction, 300 million', () => {
    const axis = effectiveAxis(loan().stream.events, '2022-02-01T00:00:00Z');
    const changes = axis.filter((entry) => entry.changes.length > 0);
    expect(changes.map(({ validFrom, changes, eventIds }) => ({ validFrom, changes, eventIds }))).toEqual([
      { validFrom: '2021-09-01T00:00:00.000Z', changes: RECORDED, eventIds: ['e1'] },
      {
        validFrom: '2021-11-01T00:00:00.000Z',
        changes: [{ path: 'status', from: 'pledged', to: 'broken' }],
        eventIds: ['e2'],
      },
      {
        validFrom: '2021-12-15T00:00:00.000Z',
        changes: [
          { path: 'disbursed', from: '0', to: '300000000' },
          { path: 'outstanding', from: '600000000', to: '300000000' },
        ],
        eventIds: ['e3'],
      },
    ]);
  });

  it('is empty before the commitment is recorded', () => {
    expect(effectiveAxis(loan().stream.events, '2021-09-30T00:00:00Z')).toEqual([]);
  });
});
