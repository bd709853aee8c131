import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { signToken } from '../../apps/api/src/auth/token.service';
import { DEV_JWT_SECRET } from '../../libs/runtime/src/config';
import type { GqlResult } from './system';

/** A whole platform of its own (API, worker, Temporal dev server, database), for tests that break parts of it. */
export interface IsolatedStack {
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  killTemporal(): Promise<void>;
  restartTemporal(): Promise<void>;
  stop(): Promise<void>;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  tokenFor(email: string): Promise<string>;
}

/** Starts test/support/isolated-stack.mjs (scripts/lib/stack.mjs startStack) in a child process. */
export async function startIsolatedStack(timeoutMs = 240_000): Promise<IsolatedStack> {
  const child: ChildProcess = fork(join(__dirname, 'isolated-stack.mjs'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: process.env });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const ready = await new Promise<{ apiUrl: string; databaseUrl: string; temporalAddress: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`isolated stack not up after ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    child.once('message', (m: any) => {
      clearTimeout(timer);
      if (m.ready) resolve(m);
      else reject(new Error(`isolated stack failed: ${m.error}\n${stderr}`));
    });
    child.once('exit', (code) => reject(new Error(`isolated stack exited ${code}\n${stderr}`)));
  });
  let next = 0;
  const command = (cmd: string) =>
    new Promise<void>((resolve, reject) => {
      const id = ++next;
      const onMessage = (m: any) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        if (m.ok) resolve();
        else reject(new Error(`${cmd}: ${m.error}`));
      };
      child.on('message', onMessage);
      child.send({ id, cmd });
    });
  const sql = async <T = any>(text: string, params: unknown[] = []): Promise<T[]> => {
    const c = new PgClient({ connectionString: ready.databaseUrl });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  };
  return {
    ...ready,
    killTemporal: () => command('killTemporal'),
    restartTemporal: () => command('restartTemporal'),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      await command('stop').catch(() => child.kill('SIGTERM'));
      await exited;
    },
    gql: async (query, variables = {}, token) => {
      const res = await fetch(`${ready.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as never;
    },
    sql,
    tokenFor: async (email) => {
      const [user] = await sql<{ id: string; role: string }>('SELECT id, role FROM app_user WHERE email = $1', [email]);
      if (!user) throw new Error(`no seeded user ${email}`);
      return signToken(DEV_JWT_SECRET, { sub: user.id, role: user.role as never });
    },
  };
}
