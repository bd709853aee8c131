import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stack } from './support/system';

const API = join(__dirname, '../dist/apps/api/src/main.js');
const WORKER = join(__dirname, '../dist/apps/worker/src/main.js');

/** Start a process with a bad configuration; it must stop at once, naming the variable. */
function start(entry: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, [entry], { env: { PATH: process.env.PATH!, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stderr: r.stderr };
}

describe('start-up with a bad configuration', () => {
  it('an unreachable DATABASE_URL stops the API and the worker, naming the variable', () => {
    for (const entry of [API, WORKER]) {
      const r = start(entry, { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/none', TEMPORAL_ADDRESS: stack.temporalAddress() });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/configuration error: DATABASE_URL: cannot reach the database/);
    }
  });

  it('production without JWT_SECRET stops, naming it', () => {
    const r = start(API, { NODE_ENV: 'production', DATABASE_URL: stack.databaseUrl(), TEMPORAL_ADDRESS: stack.temporalAddress() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/configuration error: JWT_SECRET: is required when NODE_ENV=production/);
  });

  it('an unreachable TEMPORAL_ADDRESS stops the API, naming it', () => {
    const r = start(API, { DATABASE_URL: stack.databaseUrl(), TEMPORAL_ADDRESS: '127.0.0.1:1', PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/configuration error: TEMPORAL_ADDRESS: cannot reach Temporal/);
  });
});
