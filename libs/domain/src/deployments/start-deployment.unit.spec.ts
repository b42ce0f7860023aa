import { deciderSpecification } from '../testing/decider-specification';
import { deploymentStarted, looseStartDeployment, startDeployment } from './deployment-fixtures';
import { deploymentDecider } from './deployment';

const spec = deciderSpecification(deploymentDecider);

describe('StartDeployment', () => {
  it('starts a deployment of a counted asset', () => {
    spec.given([]).when(startDeployment()).then([deploymentStarted()]);
  });

  it('keeps who commands it and why', () => {
    const extra = { commandedBy: 'RU', purpose: 'joint air-defence duty' };
    spec
      .given([])
      .when(startDeployment(extra))
      .then([deploymentStarted(extra)]);
  });

  it('starts a deployment without a number, with or without a unit', () => {
    const { quantity: _quantity, ...uncounted } = startDeployment().data;
    const command = { type: 'StartDeployment' as const, data: uncounted };
    spec
      .given([])
      .when(command)
      .then([{ type: 'DeploymentStarted', data: uncounted }]);
    const { unit: _unit, ...bare } = uncounted;
    spec
      .given([])
      .when({ ...command, data: bare })
      .then([{ type: 'DeploymentStarted', data: bare }]);
  });

  it('stores the quantity in canonical form and asset and place trimmed', () => {
    spec
      .given([])
      .when(startDeployment({ quantity: '0004.50', asset: ' troops ', place: ' Grodno ', unit: 'battalions' }))
      .then([deploymentStarted({ quantity: '4.5', asset: 'troops', place: 'Grodno', unit: 'battalions' })]);
  });

  it('allows a party to deploy on its own territory', () => {
    spec
      .given([])
      .when(startDeployment({ host: 'RU' }))
      .then([deploymentStarted({ host: 'RU' })]);
  });

  it('refuses a second start on the same stream, even after the end', () => {
    spec.given([deploymentStarted()]).when(startDeployment()).thenThrows('deployment_already_exists', 'deploymentId');
  });

  it('refuses a blank id', () => {
    spec
      .given([])
      .when(startDeployment({ deploymentId: '' }))
      .thenThrows('deployment_id_required', 'deploymentId');
  });

  it.each(['', '  ', undefined])('refuses the asset %p', (asset) => {
    spec.given([]).when(looseStartDeployment({ asset })).thenThrows('asset_required', 'asset');
  });

  it.each(['', '  ', undefined])('refuses the place %p', (place) => {
    spec.given([]).when(looseStartDeployment({ place })).thenThrows('place_required', 'place');
  });

  it.each([
    ['host', 'by'],
    ['host', undefined],
    ['by', 'RUSSIAN-FEDERATION'],
    ['by', undefined],
    ['commandedBy', 'R'],
    ['commandedBy', null],
  ])('refuses %s = %p', (field, code) => {
    spec
      .given([])
      .when(looseStartDeployment({ [field]: code }))
      .thenThrows('invalid_party', field);
  });

  it.each(['0', '-4', 'four', '4e2', '1.1234567', 4])('refuses the quantity %p', (quantity) => {
    spec.given([]).when(looseStartDeployment({ quantity })).thenThrows('invalid_quantity', 'quantity');
  });

  it('requires a unit for a quantity', () => {
    spec
      .given([])
      .when(looseStartDeployment({ unit: undefined }))
      .thenThrows('unit_required', 'unit');
  });

  it.each(['unit', 'purpose'])('refuses a blank %s', (field) => {
    spec
      .given([])
      .when(looseStartDeployment({ [field]: ' ' }))
      .thenThrows('invalid_text', field);
  });
});
