import { parseEffectiveTime } from '../shared/effective-time';
import { deploymentAsOf } from './deployment-as-of';
import { temporalSegments } from './temporal-segments';
import { cites, StreamBuilder } from './temporal-fixtures';

const LATER = '2030-01-01T00:00:00Z';
const ID = 'd-ru-su30';

/** Russian fighters in Belarus from September 2021, gone by March 2022. */
function fighters() {
  const stream = new StreamBuilder();
  const started = stream.add({
    type: 'DeploymentStarted',
    data: { deploymentId: ID, asset: 'Su-30SM fighters', place: 'Baranovichi', host: 'BY', by: 'RU' },
    effective: '2021-09',
    recordedAt: '2021-10-01T00:00:00Z',
  });
  const ended = stream.add({
    type: 'DeploymentEnded',
    data: { deploymentId: ID, reason: 'rotated home' },
    effective: '2022-03-01T08:00:00Z',
    recordedAt: '2022-03-02T00:00:00Z',
  });
  return { stream, started, ended };
}

describe('deploymentAsOf', () => {
  it('does not exist before it starts', () => {
    const { stream } = fighters();
    expect(deploymentAsOf(stream.events, '2021-08-31T23:59:59.999Z', LATER)).toBeUndefined();
    expect(deploymentAsOf(stream.events, '2021-12-01T00:00:00Z', '2021-09-30T00:00:00Z')).toBeUndefined();
  });

  it('is active from its start, with null for what the source does not say', () => {
    const { stream, started } = fighters();
    expect(deploymentAsOf(stream.events, '2021-09-15T00:00:00Z', LATER)).toEqual({
      deploymentId: ID,
      asset: 'Su-30SM fighters',
      quantity: null,
      unit: null,
      place: 'Baranovichi',
      host: 'BY',
      by: 'RU',
      commandedBy: null,
      purpose: null,
      active: true,
      startedAt: '2021-09-01T00:00:00.000Z',
      endedAt: null,
      endReason: null,
      streamVersion: 2,
      eventIds: ['e1'],
      uncertain: [{ eventId: 'e1', type: 'DeploymentStarted', effectiveAt: started.effectiveAt, until: '2021-10-01T00:00:00.000Z' }],
      sources: cites(started, ['effectiveAt', 'deploymentId', 'asset', 'place', 'host', 'by', 'active', 'startedAt']),
    });
  });

  it('is no longer active from the instant its end counts, which is certain', () => {
    const { stream } = fighters();
    expect(deploymentAsOf(stream.events, '2022-03-01T07:59:59.999Z', LATER)).toMatchObject({ active: true, endedAt: null });
    expect(deploymentAsOf(stream.events, '2022-03-01T08:00:00Z', LATER)).toMatchObject({
      active: false,
      endedAt: '2022-03-01T08:00:00.000Z',
      endReason: 'rotated home',
      eventIds: ['e1', 'e2'],
      uncertain: [],
    });
    expect(deploymentAsOf(stream.events, '2022-06-01T00:00:00Z', '2022-03-01T23:59:59Z')?.active).toBe(true);
  });

  it('is active again when its end is retracted; an end dated before the start ends it from the start', () => {
    const { stream, started, ended } = fighters();
    stream.retract(ended, '2022-04-01T00:00:00Z');
    expect(deploymentAsOf(stream.events, '2022-06-01T00:00:00Z', LATER)).toMatchObject({ active: true, endedAt: null });
    stream.add({ type: 'DeploymentEnded', data: { deploymentId: ID }, effective: '2021', recordedAt: '2022-05-01T00:00:00Z' });
    expect(deploymentAsOf(stream.events, '2021-09-01T00:00:00Z', LATER)).toMatchObject({
      active: false,
      startedAt: '2021-09-01T00:00:00.000Z',
      endedAt: '2021-01-01T00:00:00.000Z',
      endReason: null,
    });
    stream.correct(
      started,
      { data: { quantity: '12', unit: 'aircraft' }, effectiveAt: parseEffectiveTime('2021-08-20') },
      '2022-06-01T00:00:00Z',
    );
    expect(deploymentAsOf(stream.events, '2021-08-20T00:00:00Z', LATER)).toMatchObject({
      quantity: '12',
      unit: 'aircraft',
      startedAt: '2021-08-20T00:00:00.000Z',
    });
  });

  it('keeps the first end in valid time when the stream has two', () => {
    const { stream } = fighters();
    stream.add({
      type: 'DeploymentEnded',
      data: { deploymentId: ID, reason: 'earlier' },
      effective: '2022-01',
      recordedAt: '2022-05-01T00:00:00Z',
    });
    expect(deploymentAsOf(stream.events, '2022-06-01T00:00:00Z', LATER)).toMatchObject({
      endedAt: '2022-01-01T00:00:00.000Z',
      endReason: 'earlier',
      eventIds: ['e1', 'e3', 'e2'],
    });
  });

  it('has segments active and then ended', () => {
    const { stream } = fighters();
    expect(
      temporalSegments(stream.events, LATER, deploymentAsOf).map(({ validFrom, validTo, state }) => [validFrom, validTo, state.active]),
    ).toEqual([
      ['2021-09-01T00:00:00.000Z', '2021-09-30T23:59:59.999Z', true],
      ['2021-09-30T23:59:59.999Z', '2022-03-01T08:00:00.000Z', true],
      ['2022-03-01T08:00:00.000Z', null, false],
    ]);
  });
});
