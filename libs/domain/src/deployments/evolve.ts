import type { DeploymentEvent } from './events';
import { Deployment, deploymentExists, DeploymentState } from './state';

/**
 * A recorded event that cannot follow the state before it. The stream is
 * corrupt or mis-routed; folding on would hide that, so evolve stops.
 */
export class UnexpectedDeploymentEvent extends Error {
  constructor(
    readonly eventType: string,
    reason: string,
  ) {
    super(`cannot apply ${eventType}: ${reason}`);
    this.name = 'UnexpectedDeploymentEvent';
  }
}

export function evolveDeployment(state: DeploymentState, event: DeploymentEvent): DeploymentState {
  switch (event.type) {
    case 'DeploymentStarted': {
      if (deploymentExists(state)) {
        throw new UnexpectedDeploymentEvent(event.type, `deployment ${state.deploymentId} is already started`);
      }
      return { status: 'active', ...event.data };
    }
    case 'DeploymentEnded': {
      const current = started(state, event);
      if (current.status === 'ended') {
        throw new UnexpectedDeploymentEvent(event.type, `deployment ${current.deploymentId} has already ended`);
      }
      const { reason } = event.data;
      return { ...current, status: 'ended', ...(reason !== undefined && { endReason: reason }) };
    }
    default: {
      const unknown: never = event;
      throw new UnexpectedDeploymentEvent(String((unknown as { type?: unknown }).type), 'unknown event type');
    }
  }
}

function started(state: DeploymentState, event: DeploymentEvent): Deployment {
  if (!deploymentExists(state)) {
    throw new UnexpectedDeploymentEvent(event.type, `deployment ${event.data.deploymentId} was never started`);
  }
  if (event.data.deploymentId !== state.deploymentId) {
    throw new UnexpectedDeploymentEvent(
      event.type,
      `the event is for deployment ${event.data.deploymentId}, the stream holds ${state.deploymentId}`,
    );
  }
  return state;
}
