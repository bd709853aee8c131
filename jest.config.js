// Three tiers, one runner: pure rules (unit), workflows on the time-skipping
// server (workflow), and the whole system over HTTP (system). See docs/testing.md.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
const base = { testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest }, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  // Per-project testTimeout is ignored by Jest; system and workflow tests need more than 5 s.
  testTimeout: 90_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'] },
    { ...base, displayName: 'workflow', testMatch: ['<rootDir>/workflows/**/*.test.ts'], globalSetup: '<rootDir>/test/support/workflow/global-setup.mjs' },
    {
      ...base,
      displayName: 'system',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
};
