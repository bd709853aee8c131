import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { GqlResult, gqlAt, sqlAt, tokenAt } from './system';

/** A whole platform of its own (API, worker, Temporal dev server, database), for tests that break parts of it. */
export interface IsolatedStack {
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  /** Supervised stacks: the supervisor's status file (docs/runtime.md, "Supervision"). */
  statusFile: string | null;
  /** What the stack has logged so far (supervised stacks log their restarts). */
  output(): string;
  killTemporal(): Promise<void>;
  restartTemporal(): Promise<void>;
  stop(): Promise<void>;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  tokenFor(email: string): Promise<string>;
}

/**
 * Starts test/support/isolated-stack.mjs (scripts/lib/stack.mjs startStack) in a child process; `supervise` as `npm start` does;
 * `env` reaches the API and the worker (configuration under test).
 */
export async function startIsolatedStack({ supervise = false, timeoutMs = 240_000, env = {} as Record<string, string> } = {}): Promise<IsolatedStack> {
  const child: ChildProcess = fork(join(__dirname, 'isolated-stack.mjs'), supervise ? ['--supervise'] : [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, ...env } });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const ready = await new Promise<{ apiUrl: string; databaseUrl: string; temporalAddress: string; statusFile: string | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`isolated stack not up after ${timeoutMs} ms\n${output.slice(-4000)}`)), timeoutMs);
    child.once('message', (m: any) => {
      clearTimeout(timer);
      if (m.ready) resolve(m);
      else reject(new Error(`isolated stack failed: ${m.error}\n${output.slice(-4000)}`));
    });
    child.once('exit', (code) => reject(new Error(`isolated stack exited ${code}\n${output.slice(-4000)}`)));
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
  return {
    apiUrl: ready.apiUrl,
    databaseUrl: ready.databaseUrl,
    temporalAddress: ready.temporalAddress,
    statusFile: ready.statusFile,
    output: () => output,
    killTemporal: () => command('killTemporal'),
    restartTemporal: () => command('restartTemporal'),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      await command('stop').catch(() => child.kill('SIGTERM'));
      await exited;
    },
    gql: (query, variables, token) => gqlAt(ready.apiUrl, query, variables, token),
    sql: (text, params) => sqlAt(ready.databaseUrl, text, params),
    tokenFor: (email) => tokenAt(ready.databaseUrl, email),
  };
}
