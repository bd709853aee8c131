import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stack } from './support/system';

const API = join(__dirname, '../dist/apps/api/src/main.js');
const WORKER = join(__dirname, '../dist/apps/worker/src/main.js');

/**
 * Start a process with a bad configuration; it must stop at once, naming the variable.
 * Asynchronous on purpose: the embedded database lives in this Jest process and must keep
 * answering while the child starts.
 */
function start(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('start-up with a bad configuration', () => {
  it('an unreachable DATABASE_URL stops the API and the worker, naming the variable', async () => {
    for (const entry of [API, WORKER]) {
      const r = await start(entry, { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/none', TEMPORAL_ADDRESS: stack.temporalAddress() });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/configuration error: DATABASE_URL: cannot reach the database/);
    }
  });

  it('production without JWT_SECRET stops, naming it', async () => {
    const r = await start(API, { NODE_ENV: 'production', DATABASE_URL: stack.databaseUrl(), TEMPORAL_ADDRESS: stack.temporalAddress() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/configuration error: JWT_SECRET: is required when NODE_ENV=production/);
  });

  it('an unreachable TEMPORAL_ADDRESS stops the API, naming it', async () => {
    const r = await start(API, { DATABASE_URL: stack.databaseUrl(), TEMPORAL_ADDRESS: '127.0.0.1:1', PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/configuration error: TEMPORAL_ADDRESS: cannot reach Temporal/);
  });
});
