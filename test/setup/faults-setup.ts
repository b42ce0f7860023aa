import { checkTestDatabase } from './global-setup';

/** The fault suite brings its own broker (test/faults/support/broker.ts); it needs only the database. */
export default async function faultsSetup(): Promise<void> {
  await checkTestDatabase();
}
