import { fromScaled, InvalidDecimal, toScaled } from '../commitments/decimal';
import { DomainRuleViolation, unknownCommand } from '../shared/errors';
import { checkPartyCode, optionalText, requireText } from '../parties/validation';
import type { DeploymentCommand, EndDeployment, StartDeployment } from './commands';
import type { DeploymentEnded, DeploymentEvent, DeploymentStarted } from './events';
import { Deployment, deploymentExists, DeploymentState } from './state';

/** The events a command produces, in order; each command here produces exactly one. */
export function decideDeployment(command: DeploymentCommand, state: DeploymentState): DeploymentEvent[] {
  switch (command.type) {
    case 'StartDeployment':
      return [startDeployment(command, state)];
    case 'EndDeployment':
      return [endDeployment(command, state)];
    default:
      return unknownCommand(command);
  }
}

function startDeployment({ data }: StartDeployment, state: DeploymentState): DeploymentStarted {
  if (deploymentExists(state)) {
    throw new DomainRuleViolation('deployment_already_exists', `deployment ${state.deploymentId} is already started`, 'deploymentId');
  }
  if (typeof data.deploymentId !== 'string' || data.deploymentId.trim() === '') {
    throw new DomainRuleViolation('deployment_id_required', 'a deployment needs an id', 'deploymentId');
  }
  const asset = requireText(data.asset, 'asset_required', 'asset', 'a deployment needs the asset deployed');
  const quantity = data.quantity === undefined ? undefined : checkQuantity(data.quantity);
  const unit = optionalText(data.unit, 'unit');
  if (quantity !== undefined && unit === undefined) {
    throw new DomainRuleViolation('unit_required', 'a quantity needs a unit that says what it counts', 'unit');
  }
  const place = requireText(data.place, 'place_required', 'place', 'a deployment needs a place');
  const host = checkPartyCode(data.host, 'host');
  const by = checkPartyCode(data.by, 'by');
  const commandedBy = data.commandedBy === undefined ? undefined : checkPartyCode(data.commandedBy, 'commandedBy');
  const purpose = optionalText(data.purpose, 'purpose');
  return {
    type: 'DeploymentStarted',
    data: {
      deploymentId: data.deploymentId,
      asset,
      ...(quantity !== undefined && { quantity }),
      ...(unit !== undefined && { unit }),
      place,
      host,
      by,
      ...(commandedBy !== undefined && { commandedBy }),
      ...(purpose !== undefined && { purpose }),
    },
  };
}

function endDeployment({ data }: EndDeployment, state: DeploymentState): DeploymentEnded {
  const current = existingDeployment(state, data.deploymentId);
  if (current.status === 'ended') {
    throw new DomainRuleViolation('deployment_ended', `deployment ${current.deploymentId} has already ended`, 'deploymentId');
  }
  const reason = optionalText(data.reason, 'reason');
  return {
    type: 'DeploymentEnded',
    data: { deploymentId: current.deploymentId, ...(reason !== undefined && { reason }) },
  };
}

function existingDeployment(state: DeploymentState, deploymentId: string): Deployment {
  if (!deploymentExists(state)) {
    throw new DomainRuleViolation('deployment_not_found', `no deployment ${deploymentId}`, 'deploymentId');
  }
  if (state.deploymentId !== deploymentId) {
    // The caller loaded the wrong stream; deciding on it would write to someone else's deployment.
    throw new DomainRuleViolation(
      'deployment_id_mismatch',
      `the command is for ${deploymentId} but the state is of ${state.deploymentId}`,
      'deploymentId',
    );
  }
  return state;
}

/** A positive exact decimal in canonical form (`"012.50"` → `"12.5"`), or `invalid_quantity`. */
function checkQuantity(value: unknown): string {
  let units: bigint;
  try {
    units = toScaled(value as string);
  } catch (error) {
    if (error instanceof InvalidDecimal) throw new DomainRuleViolation('invalid_quantity', error.message, 'quantity');
    throw error;
  }
  if (units <= 0n) throw new DomainRuleViolation('invalid_quantity', 'a quantity must be more than 0', 'quantity');
  return fromScaled(units);
}
