export interface StartDeployment {
  readonly type: 'StartDeployment';
  readonly data: {
    readonly deploymentId: string;
    readonly asset: string;
    readonly quantity?: string;
    readonly unit?: string;
    readonly place: string;
    readonly host: string;
    readonly by: string;
    readonly commandedBy?: string;
    readonly purpose?: string;
  };
}

export interface EndDeployment {
  readonly type: 'EndDeployment';
  readonly data: {
    readonly deploymentId: string;
    readonly reason?: string;
  };
}

export type DeploymentCommand = StartDeployment | EndDeployment;

export type DeploymentCommandType = DeploymentCommand['type'];
