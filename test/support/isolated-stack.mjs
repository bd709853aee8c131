// A platform of its own for a test that breaks things (kills Temporal, the worker), run in a
// child process so the ESM stack code and its embedded database stay out of Jest. Started with
// fork() (`--supervise`: as `npm start` runs it, its log lines on stdout); it answers
// { ready, apiUrl, databaseUrl, temporalAddress, statusFile } once up, then obeys
// { id, cmd: 'killTemporal' | 'restartTemporal' | 'stop' } with { id, ok, error? }.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startStack } from '../../scripts/lib/stack.mjs';
import { dropTestDatabase, freshPostgresDatabase } from './global-setup.mjs';

const supervise = process.argv.includes('--supervise');
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'baton-isolated-'));
let stack;
try {
  const databaseUrl = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  const log = supervise ? (m) => process.stdout.write(`[supervised] ${m}\n`) : () => {};
  stack = await startStack({ dataDir, databaseUrl, supervise, echo: false, env: { LOG_LEVEL: 'info', NODE_ENV: 'test' }, log });
  process.send({ ready: true, apiUrl: stack.apiUrl, databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, statusFile: stack.supervisor?.statusFile ?? null });
} catch (e) {
  process.send({ ready: false, error: String(e?.stack ?? e) });
  process.exit(1);
}

const stop = async () => {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true }).catch(() => {});
  if (process.env.DATABASE_URL) await dropTestDatabase(process.env.DATABASE_URL, stack.databaseUrl).catch(() => {});
};

process.on('message', async ({ id, cmd }) => {
  try {
    if (cmd === 'killTemporal') await stack.killTemporal();
    else if (cmd === 'restartTemporal') await stack.restartTemporal();
    else if (cmd === 'stop') await stop();
    else throw new Error(`unknown command ${cmd}`);
    process.send({ id, ok: true });
    if (cmd === 'stop') process.exit(0);
  } catch (e) {
    process.send({ id, ok: false, error: String(e?.stack ?? e) });
  }
});
// The test process went away: do not leave the platform running.
process.on('disconnect', () => void stop().finally(() => process.exit(0)));
