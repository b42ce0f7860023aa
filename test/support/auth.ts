/**
 * Where tests get their credentials, in one place. Today the one write key is
 * the bootstrap admin key; when stored keys and roles arrive, tests keep
 * calling these and only this file changes.
 */
export const TEST_ADMIN_KEY = 'test-admin-key-for-the-suite-0001';

/** Environment for a service process the tests start, so that it accepts the tests' key. */
export function serviceAuthEnv(): Record<string, string> {
  return { TIMELINE_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY };
}

/** Headers of a write (POST) by the tests. */
export function writeHeaders(): Record<string, string> {
  return { authorization: `Bearer ${TEST_ADMIN_KEY}` };
}
