import { FaultsBroker } from '../faults/support/broker';
import { buildOnce } from '../support/processes';
import { checkTestDatabase } from './global-setup';

/**
 * The fault suite runs the built programs as child processes, on a broker of
 * its own that its tests may kill (test/faults/support/broker.ts): both are
 * made ready once here, and the broker is stopped in faults-teardown.ts.
 */
export default async function faultsSetup(): Promise<void> {
  await checkTestDatabase();
  buildOnce();
  new FaultsBroker().start();
}
