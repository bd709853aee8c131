import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { signToken } from '../../apps/api/src/auth/token.service';
import { DEV_JWT_SECRET } from '../../libs/runtime/src/config';

/** The running platform the system tests talk to (started by global-setup.mjs). */
export const stack = {
  get apiUrl(): string {
    const url = process.env.BATON_TEST_API_URL;
    if (!url) throw new Error('System tests need the platform: run them with `npm test` (jest globalSetup starts it)');
    return url;
  },
  databaseUrl: () => process.env.BATON_TEST_DATABASE_URL!,
  temporalAddress: () => process.env.BATON_TEST_TEMPORAL_ADDRESS!,
};


export interface GqlResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any>; path?: string[] }[];
}

/** GraphQL over HTTP to the API at `apiUrl`, exactly as a frontend sends it. */
export async function gqlAt<T = Record<string, any>>(apiUrl: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GqlResult<T>> {
  const res = await fetch(`${apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResult<T>;
}

/** GraphQL over HTTP to the shared platform. */
export const gql = <T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string) => gqlAt<T>(stack.apiUrl, query, variables, token);

/** The field violations of a BAD_USER_INPUT answer (first error), as the API names them. */
export const violationsOf = (r: GqlResult) => r.errors?.[0]?.extensions?.violations as { field: string; rule: string; message: string }[] | undefined;

/** Like gql, but fails the test with the server's message when there are errors. */
export async function gqlOk<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const r = await gql<T>(query, variables, token);
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

/** One SQL statement on the database at `databaseUrl`. */
export async function sqlAt<T = any>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new PgClient({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

export const sql = <T = any>(text: string, params: unknown[] = []) => sqlAt<T>(stack.databaseUrl(), text, params);

/** A bearer token for a seeded user of the database at `databaseUrl`, signed the way `npm run token` signs it. */
export async function tokenAt(databaseUrl: string, email: string): Promise<string> {
  const [user] = await sqlAt<{ id: string; role: string }>(databaseUrl, 'SELECT id, role FROM app_user WHERE email = $1', [email]);
  if (!user) throw new Error(`no seeded user ${email}`);
  return signToken(DEV_JWT_SECRET, { sub: user.id, role: user.role as never });
}

export const tokenFor = (email: string) => tokenAt(stack.databaseUrl(), email);

export const DEMO = (local: string) => `${local}@demo.baton.dev`;

/**
 * The backend pid of the API's live-feed connection on the test database once it listens
 * (idle after its first statement, LISTEN), else undefined. LISTEN state is per session
 * (`pg_listening_channels()` sees only its own), so the connection is found by the
 * application_name the API gives it.
 */
export async function liveFeedListener(): Promise<number | undefined> {
  const [row] = await sql<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'baton-live-feed' AND state = 'idle' AND query <> ''`,
  );
  return row?.pid;
}

/** Poll until `check` returns a value (not undefined), or fail after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Kill the platform's worker without warning and start a fresh one (crash-restart tests). */
export async function killWorker(): Promise<void> {
  const pid = Number(process.env.BATON_TEST_WORKER_PID);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(__dirname, '../../dist/apps/worker/src/main.js')], {
    env: { ...process.env, DATABASE_URL: stack.databaseUrl(), TEMPORAL_ADDRESS: stack.temporalAddress(), LOG_LEVEL: 'info', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Into the platform's worker log like the worker it replaces (the log-privacy test reads it).
  const log = createWriteStream(join(process.env.BATON_TEST_DATA_DIR!, 'logs', 'worker.log'), { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`worker not polling after 60s:\n${out}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('worker polling')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`worker exited ${code}:\n${out}`)));
  });
  process.env.BATON_TEST_WORKER_PID = String(child.pid);
  // The replacement serves the remaining test files; global teardown stops it by this pid.
  writeFileSync(join(process.env.BATON_TEST_DATA_DIR!, 'replacement-worker.pid'), String(child.pid));
  return child;
}
