/**
 * Four kinds of test, one project each: `unit` needs nothing running;
 * `int` and `e2e` talk to the real PostgreSQL and Kafka broker (see test/setup);
 * `faults` kills a broker of its own, processes and database sessions, and runs
 * alone, after the others (`npm run test:faults`, the last step of `npm test`).
 */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^@timeline/(domain|event-store|log|config|projections|event-schemas|seeds)$': '<rootDir>/libs/$1/src',
    '^@timeline/(domain|event-store|log|config|projections|event-schemas|seeds)/(.*)$': '<rootDir>/libs/$1/src/$2',
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
      ...base,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.faults.spec.ts'],
      globalSetup: '<rootDir>/test/setup/faults-setup.ts',
      globalTeardown: '<rootDir>/test/setup/faults-teardown.ts',
    },
  ],
};
