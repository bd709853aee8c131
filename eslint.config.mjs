// Lint = the architecture's boundaries, enforced (docs/architecture.md), plus the
// Temporal workflow hygiene rules. `npm run lint`; also run by the test suite.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const framework = ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'graphql', 'express', '@apollo/*', 'class-validator', 'class-transformer'];

const restrict = (patterns, message) => patterns.map((group) => ({ group: [group], message }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'test-results/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    rules: {},
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox.
    files: ['workflows/src/**/*.ts'],
    // Tests drive workflows from outside the sandbox (client, worker, test server).
    ignores: ['workflows/**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows run in a deterministic sandbox: no Node built-ins.' })),
          patterns: [
            ...restrict(framework, 'Workflows must not import the framework (Nest, TypeORM, pg, GraphQL): use activities.'),
            ...restrict(['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], 'Workflows import only @temporalio/workflow.'),
            ...restrict(['**/libs/persistence/**', '**/libs/runtime/**'], 'Workflows may import only libs/domain and libs/contracts.'),
            { group: ['**/apps/**'], message: 'Activity implementations are not importable from workflows; use the interface in libs/contracts.', allowTypeImports: false },
          ],
        },
      ],
    },
  },
  {
    // Pure rules: no framework, no I/O, no clock.
    files: ['libs/domain/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'libs/domain is pure: no Node built-ins.' })),
          patterns: [
            ...restrict([...framework, '@temporalio/*'], 'libs/domain imports nothing of the framework.'),
            ...restrict(['**/libs/persistence/**', '**/libs/runtime/**', '**/libs/contracts/**', '**/apps/**', '**/workflows/**'], 'libs/domain depends on nothing else in the repo.'),
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'No hidden clock in libs/domain: take `now` as an argument.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'No hidden clock in libs/domain: take `now` as an argument.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'libs/domain is deterministic: no Math.random.' },
      ],
    },
  },
  {
    // Shared contracts: types and Temporal definitions only.
    files: ['libs/contracts/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: restrict([...framework, '**/libs/persistence/**', '**/apps/**', '**/workflows/**'], 'libs/contracts holds only what API, worker and workflows share.') },
      ],
    },
  },
  {
    // The API talks to workflows through contracts only.
    files: ['apps/api/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: restrict(['**/workflows/**', '**/apps/worker/**'], 'The API never imports workflow or worker implementations; use libs/contracts.') },
      ],
    },
  },
);
