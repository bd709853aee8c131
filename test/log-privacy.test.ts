import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEMO, eventually, gqlOk, sql, stack, tokenFor } from './support/system';

/** The platform's captured stdout/stderr (scripts/lib/stack.mjs writes each process's to <data dir>/logs). */
const logFile = (f: string) => join(process.env.BATON_TEST_DATA_DIR!, 'logs', f);
/** The embedded database's log too, when the platform runs it (not with DATABASE_URL). */
const ALL_LOGS = ['api.log', 'worker.log', 'postgres.log'];
const logLines = (files = ALL_LOGS): string[] =>
  files.filter((f) => existsSync(logFile(f))).flatMap((f) => readFileSync(logFile(f), 'utf8').split('\n')).filter((l) => l.trim().length > 0);
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/;
const parsed = (line: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
};

async function post(query: string, variables: Record<string, unknown>, token: string, requestId: string) {
  const res = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  });
  return { echoed: res.headers.get('x-request-id'), body: (await res.json()) as { data?: any; errors?: { extensions?: Record<string, unknown> }[] } };
}

const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`;
const RECORD = `mutation($i: RecordEngagementInput!) { recordEngagement(input: $i) { leadId } }`;
const CAPTURE = `mutation($input: CaptureLeadInput!) { captureLead(input: $input) { lead { id } } }`;

describe('logs carry ids, never personal data, and every line of a request carries its request id', () => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  // Distinctive e-mails, names and companies: none may appear in any log line, in any case.
  const secrets = [`zelda.quux${tag}`, `Quux${tag}`, `Quuxington${tag}`, `ulrich.vexby${tag}`, `Vexby${tag}`];

  it('realistic traffic, including SQL that fails, leaves none of its e-mails, names or companies in the logs', async () => {
    const [admin, integration, marketing] = await Promise.all(['admin', 'webforms', 'marketing'].map((u) => tokenFor(DEMO(u))));
    const person = { firstName: `Zelda`, lastName: `Quux${tag}`, company: `Quuxington${tag} Labs`, title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' };
    await gqlOk(RECORD, { i: { email: `zelda.quux${tag}@privacyprobe.example`, type: 'DEMO_REQUEST', occurredAt: new Date().toISOString(), idempotencyKey: `ev-${tag}-1`, person } }, integration);
    await gqlOk(CAPTURE, { input: { email: `ulrich.vexby${tag}@privacyprobe.example`, firstName: 'Ulrich', lastName: `Vexby${tag}`, company: `Quuxington${tag} Labs`, source: 'WEBSITE', idempotencyKey: `cap-${tag}` } }, marketing);

    // Concurrent creations of one user race past the API's own check: the database refuses the
    // losers with a unique violation (SQLSTATE 23505) whose statement carries the e-mail and name.
    const rounds = Array.from({ length: 4 }, (_, round) => Array.from({ length: 6 }, (_, i) => `rid-${tag}-${round}-${i}`));
    const echoed: (string | null)[] = [];
    for (const [round, ids] of rounds.entries()) {
      const input = { email: `ulrich.vexby${tag}+${round}@privacyprobe.example`, name: `Ulrich Vexby${tag}`, role: 'MARKETING' };
      echoed.push(...(await Promise.all(ids.map((id) => post(CREATE_USER, { input }, admin, id)))).map((a) => a.echoed));
    }
    expect(await sql('SELECT count(*)::int AS n FROM app_user WHERE email LIKE $1', [`ulrich.vexby${tag}%`])).toEqual([{ n: rounds.length }]);

    const requestIds = rounds.flat();
    const failedSql = await eventually(async () => logLines().map(parsed).find((l) => l?.sqlState === '23505' && requestIds.includes(String(l.requestId))), 15_000, 'a logged unique violation').catch(() => undefined);
    const lines = logLines();
    for (const s of secrets) expect(lines.filter((l) => l.toLowerCase().includes(s.toLowerCase()))).toEqual([]);
    // Nor any other e-mail the run has used so far, in any process's log.
    expect(lines.filter((l) => EMAIL.test(l))).toEqual([]);
    expect(lines.filter((l) => l.includes('PARAMETERS') || l.includes('query failed:'))).toEqual([]);
    // The failed statement is logged by its SQLSTATE and a label, in the request that ran it.
    expect(failedSql).toMatchObject({ level: 'error', msg: 'query failed', statement: 'INSERT app_user' });
    expect(echoed).toEqual(requestIds);
    // Temporal's own lines (the SDK's, a workflow's log) are the worker's JSON lines too, not its console format.
    const worker = logLines(['worker.log']);
    expect(worker.map(parsed).some((l) => l?.msg === 'Worker state changed' && l.service === 'worker')).toBe(true);
    expect(worker.filter((l) => /\[(TRACE|DEBUG|INFO|WARN|ERROR)\] /.test(l))).toEqual([]);
  });

  it('answers with the caller\'s x-request-id, or one it made up', async () => {
    const admin = await tokenFor(DEMO('admin'));
    expect((await post('{ teams { id } }', {}, admin, `rid-echo-${tag}`)).echoed).toBe(`rid-echo-${tag}`);
    const res = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify({ query: '{ teams { id } }' }) });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("the worker's lines for work a request set in motion carry that request's id", async () => {
    // A rep whose notification webhook refuses (403): the worker's delivery activity logs a warning.
    const hook = createServer((req, res) => {
      req.resume();
      res.statusCode = 403;
      res.end();
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const [manager] = await sql('SELECT id, team_id FROM app_user WHERE email = $1', [DEMO('manager')]);
    const day = [{ start: '09:00', end: '17:00' }];
    const calendar = { timeZone: 'Europe/Berlin', weekly: { 0: [], 1: day, 2: day, 3: day, 4: day, 5: day, 6: [] }, holidays: [] };
    const [rep] = await sql(
      `INSERT INTO app_user (email, name, role, active, team_id, manager_id, calendar, notification_webhook_url) VALUES ($1, 'Hook Rep', 'SALES_REP', true, $2, $3, $4, $5) RETURNING id`,
      [`hook.${tag}@reps.example`, manager.team_id, manager.id, JSON.stringify(calendar), `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`],
    );
    try {
      const person = { firstName: 'Pat', company: 'Fitting GmbH', title: 'VP Sales', industry: 'SaaS', companySize: 400, country: 'DE' };
      const integration = await tokenFor(DEMO('webforms'));
      const { recordEngagement } = await gqlOk(RECORD, { i: { email: `hook.${tag}@fitting.example`, type: 'COMPARISON_GUIDE_DOWNLOAD', occurredAt: new Date().toISOString(), idempotencyKey: `ev-${tag}-hook`, person } }, integration);
      const leadId = recordEngagement.leadId as string;
      await eventually(async () => ((await sql("SELECT 1 FROM lead WHERE id = $1 AND stage = 'MQL' AND owner_id IS NOT NULL", [leadId])).length ? true : undefined), 30_000, 'routing');
      const requestId = `rid-${tag}-reassign`;
      const answer = await post(`mutation($i: ReassignLeadInput!) { reassignLead(input: $i) { ownerId } }`, { i: { leadId, repId: rep.id, reason: 'coverage' } }, await tokenFor(DEMO('manager')), requestId);
      expect(answer.body.errors).toBeUndefined();
      const line = await eventually(async () => logLines(['worker.log']).map(parsed).find((l) => l?.requestId === requestId), 30_000, "the worker's line for the refused webhook");
      expect(line).toMatchObject({ level: 'warn', service: 'worker' });
      expect(String(line?.msg)).toContain('refused with 403');
    } finally {
      hook.close();
      await sql('UPDATE app_user SET active = false WHERE id = $1', [rep.id]);
    }
  });
});
