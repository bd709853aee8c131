import { execFileSync } from 'node:child_process';
import { DEMO, eventually, gql, gqlOk, sql, stack, tokenFor } from './support/system';

const CAPTURE = `mutation($input: CaptureLeadInput!) { captureLead(input: $input) { created lead { id email stage source utm { campaign } } } }`;
const LEAD = `query($id: ID!) { lead(id: $id) { id stage stageHistory { fromStage toStage actorRole reason occurredAt } } }`;

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('captureLead → lead(id) over GraphQL against the real platform', () => {
  let marketing: string;
  beforeAll(async () => {
    marketing = await tokenFor(DEMO('marketing'));
  });

  it('persists the lead, starts lead:<id> and records FIRST_TOUCH through the workflow', async () => {
    const key = `it-${unique()}`;
    const data = await gqlOk(CAPTURE, { input: { email: `Slice.${key}@Example.com`, firstName: 'Slice', company: 'Acme', source: 'WEBSITE', utm: { campaign: 'spring' }, idempotencyKey: key } }, marketing);
    const { lead, created } = data.captureLead;
    expect(created).toBe(true);
    expect(lead.email).toBe(`slice.${key}@example.com`);
    expect(lead.utm.campaign).toBe('spring');

    const history = await eventually(async () => {
      const r = await gqlOk(LEAD, { id: lead.id }, marketing);
      return r.lead.stageHistory.length > 0 ? r.lead : undefined;
    }, 20_000, 'FIRST_TOUCH transition');
    expect(history.stage).toBe('FIRST_TOUCH');
    expect(history.stageHistory).toEqual([expect.objectContaining({ fromStage: null, toStage: 'FIRST_TOUCH', actorRole: 'SYSTEM', reason: 'Lead captured' })]);

    // The workflow is a real Temporal execution, visible to the Temporal CLI.
    const cli = process.env.BATON_TEST_TEMPORAL_CLI;
    if (cli) {
      const out = execFileSync(cli, ['workflow', 'describe', '--workflow-id', `lead:${lead.id}`, '--address', stack.temporalAddress(), '--output', 'json']).toString();
      expect(JSON.parse(out).workflowExecutionInfo.status).toMatch(/RUNNING/);
    }
  });

  it('the same idempotency key twice yields one lead and one workflow', async () => {
    const key = `dup-${unique()}`;
    const input = { email: `dup.${key}@example.com`, source: 'WEBINAR', idempotencyKey: key };
    const [a, b] = await Promise.all([gqlOk(CAPTURE, { input }, marketing), gqlOk(CAPTURE, { input }, marketing)]);
    expect(a.captureLead.lead.id).toBe(b.captureLead.lead.id);
    expect([a.captureLead.created, b.captureLead.created].filter(Boolean)).toHaveLength(1);
    const third = await gqlOk(CAPTURE, { input }, marketing);
    expect(third.captureLead.lead.id).toBe(a.captureLead.lead.id);
    expect(third.captureLead.created).toBe(false);

    const leads = await sql('SELECT id FROM lead WHERE email = $1', [input.email]);
    expect(leads).toHaveLength(1);
    await eventually(async () => ((await sql('SELECT 1 FROM stage_transition WHERE lead_id = $1', [leads[0].id])).length ? true : undefined));
    const transitions = await sql('SELECT to_stage FROM stage_transition WHERE lead_id = $1', [leads[0].id]);
    expect(transitions).toEqual([{ to_stage: 'FIRST_TOUCH' }]);
  });

  it('refuses an idempotency key reused for a different request, changing nothing', async () => {
    const key = `reuse-${unique()}`;
    await gqlOk(CAPTURE, { input: { email: `one.${key}@example.com`, source: 'WEBSITE', idempotencyKey: key } }, marketing);
    const r = await gql(CAPTURE, { input: { email: `two.${key}@example.com`, source: 'WEBSITE', idempotencyKey: key } }, marketing);
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(await sql('SELECT 1 FROM lead WHERE email = $1', [`two.${key}@example.com`])).toHaveLength(0);
  });

  it('answers invalid input with a typed error naming the field, and writes nothing', async () => {
    const key = `bad-${unique()}`;
    const r = await gql(CAPTURE, { input: { email: 'not-an-email', source: 'WEBSITE', country: 'Germany', idempotencyKey: key } }, marketing);
    expect(r.data).toBeNull();
    const ext = r.errors?.[0].extensions;
    expect(ext?.code).toBe('BAD_USER_INPUT');
    expect(ext?.violations.map((v: { field: string }) => v.field).sort()).toEqual(['country', 'email']);
    expect(await sql('SELECT 1 FROM ingest_receipt WHERE idempotency_key = $1', [key])).toHaveLength(0);

    const badId = await gql(LEAD, { id: 'not-a-uuid' }, marketing);
    expect(badId.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('refuses unauthenticated callers and wrong roles', async () => {
    const input = { email: `anon.${unique()}@example.com`, source: 'WEBSITE', idempotencyKey: `anon-${unique()}` };
    const anon = await gql(CAPTURE, { input });
    expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await gql(CAPTURE, { input }, 'eyJhbGciOiJIUzI1NiJ9.e30.invalid');
    expect(forged.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    const rep = await tokenFor(DEMO('rep.berlin'));
    const asRep = await gql(CAPTURE, { input }, rep);
    expect(asRep.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await sql('SELECT 1 FROM lead WHERE email = $1', [input.email])).toHaveLength(0);

    // A rep may not read a lead they do not own: for them it does not exist.
    const own = await gqlOk(CAPTURE, { input: { ...input, idempotencyKey: `own-${unique()}` } }, marketing);
    const read = await gql(LEAD, { id: own.captureLead.lead.id }, rep);
    expect(read.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('reports database and Temporal health', async () => {
    const res = await fetch(`${stack.apiUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { ok: true }, temporal: { ok: true } });
  });
});

describe('the served schema', () => {
  it('is the committed apps/api/schema.graphql', async () => {
    const { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } = await import('graphql');
    const { readFileSync } = await import('node:fs');
    const token = await tokenFor(DEMO('admin'));
    const data = await gqlOk(getIntrospectionQuery(), {}, token);
    const served = printSchema(lexicographicSortSchema(buildClientSchema(data as never))) + '\n';
    expect(served).toBe(readFileSync(`${__dirname}/../apps/api/schema.graphql`, 'utf8'));
  });
});
