import { FaultsBroker } from '../faults/support/broker';

export default async function faultsTeardown(): Promise<void> {
  new FaultsBroker().stop();
}
