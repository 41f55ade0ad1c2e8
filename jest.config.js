// One jest run over every workspace, in three projects (docs/dev/testing.md):
//   unit         *.unit.test.ts: pure code (domain, contract, mappers, config); no PostgreSQL,
//                no Redis, no global setup; seconds (`npm run test:unit`).
//   integration  every other *.test.ts outside test/reliability/: real PostgreSQL and Redis.
//   reliability  test/reliability/: chaos, fuzz, shutdown, tenancy, transport, Redis loss.
// `npm test` runs all three. TypeScript is transpiled per file (isolatedModules in
// tsconfig.json), so tests start fast; `npm run build` does the type checking.
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^@luna-streams/shared$': '<rootDir>/packages/shared/src/index.ts',
    // The client is an ES module built by tsc (NodeNext): tests run its source, whose relative
    // imports name the .js files the build writes.
    '^@luna-streams/client$': '<rootDir>/packages/client/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
// jest runs a global setup once per run, however many projects name it, and only when
// one of those projects has a test to run: the unit project never reaches it.
const services = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/test/**/*.unit.test.ts'],
      setupFiles: ['<rootDir>/test/support/unit-setup.ts'],
    },
    {
      ...shared,
      ...services,
      displayName: 'integration',
      testMatch: ['**/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.test\\.ts$', '<rootDir>/test/reliability/'],
    },
    {
      ...shared,
      ...services,
      displayName: 'reliability',
      roots: ['<rootDir>/test/reliability'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.test\\.ts$'],
    },
  ],
  // Run-wide: jest reads these from the top level only.
  testTimeout: 60_000,
  maxWorkers: 2,
};
