// `npm test`: build, provision the Temporal binaries, run every tier (unit, workflow,
// system) with Jest, and end with the line `N passed, N failed`.
// Extra arguments go to Jest, e.g. `npm test -- --selectProjects unit`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT } from './lib/stack.mjs';
import { ensureTemporalCli, ensureTestServer } from './lib/provision.mjs';

const require = createRequire(import.meta.url);
const log = (m) => process.stdout.write(`[test] ${m}\n`);
const t0 = Date.now();

const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) {
  log('build failed');
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}
log(`build ${Date.now() - t0} ms`);

const env = { ...process.env };
env.TEMPORAL_TEST_SERVER_PATH ||= await ensureTestServer({ log });
env.TEMPORAL_CLI_PATH ||= await ensureTemporalCli({ log });

mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
const resultsFile = path.join(ROOT, 'test-results/jest.json');
const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--json', `--outputFile=${resultsFile}`, '--maxWorkers=2', ...process.argv.slice(2)], { cwd: ROOT, env, stdio: 'inherit' });

let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
} catch {
  failed = 1;
}
if (jest.status !== 0 && failed === 0) failed = 1; // e.g. a global setup that crashed
log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
