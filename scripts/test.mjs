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
// The build compiles the shipped code; this also type-checks every test and script.
const typecheck = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
if (typecheck.status !== 0) {
  log('type check failed');
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}

const env = { ...process.env };
env.TEMPORAL_TEST_SERVER_PATH ||= await ensureTestServer({ log });
env.TEMPORAL_CLI_PATH ||= await ensureTemporalCli({ log });

mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
const extra = process.argv.slice(2);
const selected = extra.includes('--selectProjects') ? null : ['unit', 'workflow'];

/** One Jest run; returns [passed, failed] read from its JSON report. */
function jestRun(name, args) {
  const resultsFile = path.join(ROOT, `test-results/${name}.json`);
  const r = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--json', `--outputFile=${resultsFile}`, ...args], { cwd: ROOT, env, stdio: 'inherit' });
  try {
    const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
    return [report.numPassedTests, r.status !== 0 && failed === 0 ? 1 : failed]; // a crashed global setup still fails
  } catch {
    return [0, 1];
  }
}

// Pure and workflow tiers in parallel; the system tier on its own, one file at a time,
// because one of its tests kills the shared platform's worker on purpose.
const runs = selected
  ? [jestRun('fast', ['--selectProjects', ...selected, '--maxWorkers=2']), jestRun('system', ['--selectProjects', 'system', '--runInBand'])]
  : [jestRun('selected', [...(extra.includes('system') ? ['--runInBand'] : ['--maxWorkers=2']), ...extra])];
const passed = runs.reduce((n, [p]) => n + p, 0);
const failed = runs.reduce((n, [, f]) => n + f, 0);
log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
