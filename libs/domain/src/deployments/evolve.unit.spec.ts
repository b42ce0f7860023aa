import { DEPLOYMENT_ID, deploymentEnded, deploymentStarted } from './deployment-fixtures';
import {
  DEPLOYMENT_EVENT_TYPES,
  DeploymentEvent,
  deploymentExists,
  DeploymentState,
  evolveDeployment,
  initialDeploymentState,
  isDeploymentEventType,
  UnexpectedDeploymentEvent,
} from './deployment';

const fold = (events: readonly DeploymentEvent[]): DeploymentState => events.reduce(evolveDeployment, initialDeploymentState());

describe('evolveDeployment', () => {
  it('starts with no deployment', () => {
    expect(initialDeploymentState()).toEqual({ status: 'none' });
    expect(deploymentExists(initialDeploymentState())).toBe(false);
  });

  it('folds a start and an end', () => {
    const started = {
      deploymentId: DEPLOYMENT_ID,
      asset: 'Su-30SM fighters',
      quantity: '4',
      unit: 'aircraft',
      place: 'Baranovichi air base',
      host: 'BY',
      by: 'RU',
    };
    expect(fold([deploymentStarted()])).toEqual({ status: 'active', ...started });
    expect(fold([deploymentStarted(), deploymentEnded('rotated home')])).toEqual({
      status: 'ended',
      ...started,
      endReason: 'rotated home',
    });
    expect(fold([deploymentStarted(), deploymentEnded()])).toEqual({ status: 'ended', ...started });
  });

  it.each<[string, DeploymentEvent[]]>([
    ['a second start', [deploymentStarted(), deploymentStarted()]],
    ['an end before the start', [deploymentEnded()]],
    ['a second end', [deploymentStarted(), deploymentEnded(), deploymentEnded()]],
    ['an end of another deployment', [deploymentStarted(), { type: 'DeploymentEnded', data: { deploymentId: 'x' } }]],
    ['an unknown event type', [deploymentStarted(), { type: 'DeploymentMoved', data: {} } as unknown as DeploymentEvent]],
  ])('refuses to fold %s', (_, events) => {
    expect(() => fold(events)).toThrow(UnexpectedDeploymentEvent);
  });

  it('lists every event type', () => {
    expect(DEPLOYMENT_EVENT_TYPES).toEqual(['DeploymentStarted', 'DeploymentEnded']);
    expect(isDeploymentEventType('DeploymentEnded')).toBe(true);
    expect(isDeploymentEventType('TrackOpened')).toBe(false);
  });
});
