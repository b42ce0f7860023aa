/**
 * Credentials for the services the fault, operations and dead-letter tests
 * start, in one place: the bootstrap admin key for writes, and reads open as
 * under `npm start`. What keys and roles allow is tested on its own, in
 * test/api/access.e2e.spec.ts (in-process apps get stored keys from startTestApp).
 */
export const TEST_ADMIN_KEY = 'test-admin-key-for-the-suite-0001';

/**
 * Environment for a service the tests start: it accepts the tests' key, answers
 * reads without one, and does not rate-limit the tests' load of writes.
 */
export function serviceAuthEnv(): Record<string, string> {
  return { TIMELINE_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY, TIMELINE_ANONYMOUS_READS: 'true', TIMELINE_RATE_LIMIT: '0' };
}

/** Headers of a write (POST) by the tests. */
export function writeHeaders(): Record<string, string> {
  return { authorization: `Bearer ${TEST_ADMIN_KEY}` };
}
