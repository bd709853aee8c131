// `npm run build`: compile TypeScript to dist/ and prebuild the workflow bundle so the
// worker starts without bundling (it falls back to bundling from source when absent).
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const { bundleWorkflowCode } = require('@temporalio/worker');
// The request-id interceptors are part of the bundle (a prebuilt bundle ignores the worker's workflowModules).
const workflowInterceptorModules = [path.join(root, 'dist/workflows/src/request-id.interceptors.js')];
const { code } = await bundleWorkflowCode({ workflowsPath: path.join(root, 'dist/workflows/src/index.js'), workflowInterceptorModules, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } });
await writeFile(path.join(root, 'dist/workflow-bundle.js'), code);
