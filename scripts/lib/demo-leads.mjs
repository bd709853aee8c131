// A few demo leads captured through the real API (GraphQL over HTTP, integration token),
// so their workflows exist just as they would for leads from a web form.
import { createRequire } from 'node:module';
import path from 'node:path';
import { run } from './processes.mjs';
import { ROOT } from './stack.mjs';

const require = createRequire(import.meta.url);

/** A bearer token for `user` ({ id, role }), signed as `npm run token` signs it (the built API's signToken, the stack's JWT secret). */
export function userToken(stack, user) {
  const { signToken } = require(path.join(ROOT, 'dist/apps/api/src/auth/token.service.js'));
  const { DEV_JWT_SECRET } = require(path.join(ROOT, 'dist/libs/runtime/src/config.js'));
  return signToken(stack.env?.JWT_SECRET || DEV_JWT_SECRET, { sub: user.id, role: user.role });
}

export async function token(stack, who) {
  return (await run(process.execPath, [path.join(ROOT, 'dist/apps/api/src/auth/issue-token.js'), who], { env: stack.env, cwd: ROOT })).trim();
}

export async function graphql(apiUrl, token, query, variables = {}) {
  const res = await fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return res.json();
}

const DEMO_LEADS = [
  { email: 'grace@acme-fintech.example', firstName: 'Grace', lastName: 'Hopper', company: 'Acme FinTech', title: 'VP Engineering', industry: 'FinTech', companySize: 450, country: 'DE', source: 'WEBSITE', utm: { source: 'google', medium: 'cpc', campaign: 'q4-demo' } },
  { email: 'alan@northwind.example', firstName: 'Alan', lastName: 'Turing', company: 'Northwind Health', title: 'Head of Operations', industry: 'Healthcare', companySize: 1200, country: 'US', source: 'WEBINAR', utm: { source: 'webinar', medium: 'event', campaign: 'alignment-101' } },
  { email: 'edsger@tinyshop.example', firstName: 'Edsger', lastName: 'Dijkstra', company: 'Tiny Shop', title: 'Owner', industry: 'Retail', companySize: 8, country: 'NL', source: 'ORGANIC_SEARCH', utm: { source: 'blog', medium: 'organic' } },
];

export async function seedDemoLeads(stack, log) {
  const integration = await token(stack, 'webforms@demo.baton.dev');
  for (const lead of DEMO_LEADS) {
    const r = await graphql(stack.apiUrl, integration, 'mutation($input: CaptureLeadInput!) { captureLead(input: $input) { lead { id } } }', { input: { ...lead, idempotencyKey: `demo-seed:${lead.email.replace(/[^A-Za-z0-9._:-]/g, '-')}` } });
    if (r.errors) throw new Error(`demo lead ${lead.email}: ${r.errors[0].message}`);
  }
  log(`seeded ${DEMO_LEADS.length} demo leads`);
}
