import type { DeploymentEnded, DeploymentStarted, EndDeployment, StartDeployment } from './deployment';

/** Russian fighters on duty at Baranovichi, for tests. */
export const DEPLOYMENT_ID = 'd-ru-su30-baranovichi';

export const startDeployment = (overrides: Partial<StartDeployment['data']> = {}): StartDeployment => ({
  type: 'StartDeployment',
  data: {
    deploymentId: DEPLOYMENT_ID,
    asset: 'Su-30SM fighters',
    quantity: '4',
    unit: 'aircraft',
    place: 'Baranovichi air base',
    host: 'BY',
    by: 'RU',
    ...overrides,
  },
});

export const deploymentStarted = (overrides: Partial<DeploymentStarted['data']> = {}): DeploymentStarted => ({
  type: 'DeploymentStarted',
  data: { ...startDeployment().data, ...overrides },
});

/** A StartDeployment with data its static type does not allow, as decoded JSON may carry. */
export const looseStartDeployment = (data: Record<string, unknown>): StartDeployment => ({
  type: 'StartDeployment',
  data: { ...startDeployment().data, ...data },
});

export const endDeployment = (reason?: string): EndDeployment => ({
  type: 'EndDeployment',
  data: { deploymentId: DEPLOYMENT_ID, ...(reason !== undefined && { reason }) },
});

export const deploymentEnded = (reason?: string): DeploymentEnded => ({
  type: 'DeploymentEnded',
  data: { deploymentId: DEPLOYMENT_ID, ...(reason !== undefined && { reason }) },
});
