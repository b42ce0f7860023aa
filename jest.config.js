/**
 * Six kinds of test, one project each: `unit` needs nothing running;
 * `int`, `e2e` and `fuzz` talk to the real PostgreSQL and Kafka broker (see test/setup);
 * `browser` drives the web page in Chromium against the real service;
 * `faults` kills a broker of its own, processes and database sessions, and runs
 * alone, after the others (`npm run test:faults`, the last step of `npm test`).
 */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^@timeline/(domain|event-store|log|config|projections|event-schemas|seeds|keys|runtime|write)$': '<rootDir>/libs/$1/src',
    '^@timeline/(domain|event-store|log|config|projections|event-schemas|seeds|keys|runtime|write)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  rootDir: __dirname,
};

module.exports = {
  // Integration tests wait on real brokers and databases.
  testTimeout: 90000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.unit.spec.ts'] },
    {
      ...base,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
    },
    {
      // The web page in Debian's Chromium (playwright-core, no browser download).
      ...base,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/web/**/*.browser.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
    },
    {
      // Hostile requests against the real service (test/fuzz); FUZZ_RUNS, FUZZ_SEED, FUZZ_PATH.
      ...base,
      displayName: 'fuzz',
      testMatch: ['<rootDir>/test/**/*.fuzz.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
    },
    {
      // Crashes and cut connections against a broker of its own; serial, last.
      ...base,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.faults.spec.ts'],
      globalSetup: '<rootDir>/test/setup/faults-setup.ts',
      globalTeardown: '<rootDir>/test/setup/faults-teardown.ts',
    },
  ],
};
