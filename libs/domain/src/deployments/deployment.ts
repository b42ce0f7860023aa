import { decideDeployment } from './decide';
import { evolveDeployment } from './evolve';
import { initialDeploymentState } from './state';

export * from './commands';
export * from './decide';
export * from './events';
export * from './evolve';
export * from './state';

/** The deployment aggregate (one party's assets on another's territory) as one emmett-style decider. */
export const deploymentDecider = {
  initialState: initialDeploymentState,
  evolve: evolveDeployment,
  decide: decideDeployment,
} as const;
