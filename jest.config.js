// Three tiers, one runner: pure rules (unit), workflows on the time-skipping
// server (workflow), and the whole system over HTTP (system). See docs/testing.md.
const tsJest = ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }];
const base = { testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest }, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...base, displayName: 'workflow', testMatch: ['<rootDir>/workflows/**/*.test.ts'] },
    { ...base, displayName: 'system', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
