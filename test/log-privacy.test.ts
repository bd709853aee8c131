import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, eventually, gqlOk, sql, stack, tokenFor } from './support/system';

/** The platform's captured stdout/stderr (scripts/lib/stack.mjs writes each process's to <data dir>/logs). */
const logLines = (): string[] =>
  ['api.log', 'worker.log'].flatMap((f) => readFileSync(join(process.env.BATON_TEST_DATA_DIR!, 'logs', f), 'utf8').split('\n')).filter((l) => l.trim().length > 0);
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
    expect(lines.filter((l) => l.includes('PARAMETERS') || l.includes('query failed:'))).toEqual([]);
    // The failed statement is logged by its SQLSTATE and a label, in the request that ran it.
    expect(failedSql).toMatchObject({ level: 'error', msg: 'query failed', statement: 'INSERT app_user' });
    expect(echoed).toEqual(requestIds);
  });

  it('answers with the caller\'s x-request-id, or one it made up', async () => {
    const admin = await tokenFor(DEMO('admin'));
    expect((await post('{ teams { id } }', {}, admin, `rid-echo-${tag}`)).echoed).toBe(`rid-echo-${tag}`);
    const res = await fetch(`${stack.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify({ query: '{ teams { id } }' }) });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
