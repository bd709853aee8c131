#!/usr/bin/env node
// Ensures both Temporal binaries are available (CI, `npm start`, `npm test`) and prints
// where they are and how long each took. Exit code 1 with the list of attempts on failure.
import { cacheDir, ensureTemporalCli, ensureTestServer } from './lib/provision.mjs';

const log = (msg) => console.error(`[provision] ${msg}`);
const timed = async (fn) => {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number((process.hrtime.bigint() - started) / 1_000_000n) };
};

log(`cache: ${cacheDir()}`);
let failed = false;
try {
  const cli = await timed(() => ensureTemporalCli({ log }));
  console.log(`temporal CLI:  ${cli.value}  (${cli.ms} ms)`);
} catch (err) {
  failed = true;
  console.error(err.message);
}
try {
  const ts = await timed(() => ensureTestServer({ log, allowSdkDownload: !process.env.CI }));
  console.log(`test server:   ${ts.value ?? '(none: @temporalio/testing will download its own)'}  (${ts.ms} ms)`);
} catch (err) {
  failed = true;
  console.error(err.message);
}
process.exit(failed ? 1 : 0);
