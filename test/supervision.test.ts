import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { signToken } from '../apps/api/src/auth/token.service';
import { DEV_JWT_SECRET } from '../libs/runtime/src/config';
import { DEMO, eventually } from './support/system';

/**
 * A platform of its own (own data directory, own database), started like `npm start` with
 * supervision on: its Temporal dev server and then its worker are killed without warning,
 * each comes back by itself, /health says so, and a lead captured afterwards is routed.
 */
interface Supervised {
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  statusFile: string;
}
interface ChildStatus {
  state: string;
  pid: number | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
}

const RECORD = `mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { leadId recorded } }`;
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

let proc: ChildProcess | undefined;
let s: Supervised;
let output = '';

function startSupervisedStack(dataDir: string): Promise<Supervised> {
  // Its own process (the embedded database must not share this Jest process's event loop with a second platform).
  proc = spawn(process.execPath, [join(__dirname, 'support/supervised-stack.mjs'), dataDir], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      const line = output.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve(JSON.parse(line.slice(6)) as Supervised);
    };
    proc!.stdout!.on('data', onData);
    proc!.stderr!.on('data', (d) => (output += d));
    proc!.once('exit', (code) => reject(new Error(`the supervised stack exited (${code}) before it was up:\n${output.slice(-3000)}`)));
  });
}

const status = (): Record<string, ChildStatus> => JSON.parse(readFileSync(s.statusFile, 'utf8')).children;

async function health(): Promise<{ httpStatus: number; body: { status: string; supervisor: { supervised: boolean; ok: boolean; children: Record<string, ChildStatus> } } }> {
  const res = await fetch(`${s.apiUrl}/health`);
  return { httpStatus: res.status, body: (await res.json()) as never };
}

async function query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new PgClient({ connectionString: s.databaseUrl });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

async function gql(q: string, variables: Record<string, unknown>, token: string) {
  const res = await fetch(`${s.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: q, variables }) });
  return (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL a supervised child; wait until it is back with a new pid and /health is ok again. */
async function killAndAwaitRecovery(name: 'temporal' | 'worker') {
  const before = status()[name];
  expect(before.state).toBe('up');
  process.kill(before.pid!, 'SIGKILL');
  const after = await eventually(async () => {
    const c = status()[name];
    return c.state === 'up' && c.pid !== before.pid && c.restarts >= before.restarts + 1 ? c : undefined;
  }, 90_000, `${name} to be restarted`);
  expect(after.lastExit).toMatchObject({ signal: 'SIGKILL' });
  expect(alive(before.pid!)).toBe(false);
  const h = await eventually(async () => {
    const r = await health();
    return r.httpStatus === 200 && r.body.status === 'ok' && r.body.supervisor.ok && r.body.supervisor.children[name]?.pid === after.pid ? r.body : undefined;
  }, 60_000, `/health ok again after ${name} came back`);
  expect(h.supervisor.children[name]).toMatchObject({ state: 'up', restarts: after.restarts });
  expect(h.supervisor.children[name].restarts).toBeGreaterThanOrEqual(1);
}

describe('npm start supervision', () => {
  beforeAll(async () => {
    s = await startSupervisedStack(await mkdtemp(join(tmpdir(), 'baton-supervised-')));
  }, 180_000);

  afterAll(async () => {
    if (!proc?.pid || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc!.once('exit', r));
    process.kill(proc.pid, 'SIGTERM');
    const timer = setTimeout(() => proc?.pid && alive(proc.pid) && process.kill(proc.pid, 'SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }, 60_000);

  it('shows every child up on /health', async () => {
    const h = await health();
    expect(h.httpStatus).toBe(200);
    expect(h.body.supervisor).toMatchObject({ supervised: true, ok: true });
    expect(Object.keys(h.body.supervisor.children).sort()).toEqual(['api', 'temporal', 'worker']);
    for (const c of Object.values(h.body.supervisor.children)) expect(c).toMatchObject({ state: 'up', restarts: 0, lastExit: null });
  });

  it('restarts a killed Temporal dev server and a killed worker; a lead captured afterwards is routed', async () => {
    await killAndAwaitRecovery('temporal');
    await killAndAwaitRecovery('worker');
    expect(output).toMatch(/\[supervised\] temporal exited \(signal SIGKILL\); restarting in 1 s \(restart #1\)/);
    expect(output).toMatch(/\[supervised\] worker is back/);

    const [user] = await query<{ id: string; role: string }>('SELECT id, role FROM app_user WHERE email = $1', [DEMO('webforms')]);
    const token = signToken(DEV_JWT_SECRET, { sub: user.id, role: user.role as never });
    const email = `after-restart.${unique()}@fitting.example`;
    // The API may need a moment to reconnect to the restarted Temporal server: retry the (idempotent) capture.
    const key = `ev-${unique()}`;
    const leadId = await eventually(async () => {
      const r = await gql(RECORD, { i: { email, type: 'DEMO_REQUEST', occurredAt: new Date().toISOString(), idempotencyKey: key, person: { firstName: 'Pat', company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' } } }, token);
      if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
      return r.data!.recordEngagement.leadId as string;
    }, 30_000, 'the engagement to be recorded');
    const lead = await eventually(async () => {
      const [row] = await query<{ stage: string; owner_id: string | null }>('SELECT stage, owner_id FROM lead WHERE id = $1', [leadId]);
      return row?.stage === 'MQL' && row.owner_id ? row : undefined;
    }, 60_000, 'the lead to become MQL with an owner');
    expect(lead.owner_id).toEqual(expect.any(String));
  }, 300_000);
});
