export interface NoDeployment {
  readonly status: 'none';
}

export type DeploymentStatus = 'active' | 'ended';

export interface Deployment {
  readonly status: DeploymentStatus;
  readonly deploymentId: string;
  readonly asset: string;
  readonly quantity?: string;
  readonly unit?: string;
  readonly place: string;
  readonly host: string;
  readonly by: string;
  readonly commandedBy?: string;
  readonly purpose?: string;
  /** Why it ended, when it ended and the source says. */
  readonly endReason?: string;
}

export type DeploymentState = NoDeployment | Deployment;

export function initialDeploymentState(): DeploymentState {
  return { status: 'none' };
}

export function deploymentExists(state: DeploymentState): state is Deployment {
  return state.status !== 'none';
}
