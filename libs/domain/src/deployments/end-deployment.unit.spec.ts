import { deciderSpecification } from '../testing/decider-specification';
import { deploymentEnded, deploymentStarted, endDeployment } from './deployment-fixtures';
import { deploymentDecider } from './deployment';

const spec = deciderSpecification(deploymentDecider);

describe('EndDeployment', () => {
  it('ends an active deployment', () => {
    spec.given([deploymentStarted()]).when(endDeployment()).then([deploymentEnded()]);
  });

  it('keeps the reason', () => {
    spec
      .given([deploymentStarted()])
      .when(endDeployment('exercise over'))
      .then([deploymentEnded('exercise over')]);
  });

  it('refuses a deployment that never started', () => {
    spec.given([]).when(endDeployment()).thenThrows('deployment_not_found', 'deploymentId');
  });

  it('refuses a command for another deployment than the stream holds', () => {
    spec
      .given([deploymentStarted()])
      .when({ type: 'EndDeployment', data: { deploymentId: 'd-other' } })
      .thenThrows('deployment_id_mismatch', 'deploymentId');
  });

  it('refuses to end it twice', () => {
    spec.given([deploymentStarted(), deploymentEnded()]).when(endDeployment()).thenThrows('deployment_ended', 'deploymentId');
  });

  it('refuses a blank reason', () => {
    spec.given([deploymentStarted()]).when(endDeployment('')).thenThrows('invalid_text', 'reason');
  });
});
