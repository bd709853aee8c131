// Benchmark: the stage definition what-if (simulateDefinitions) over 100k engagement
// events, draft vs active, with the pure rules the API runs. Prints figures; never fails.
//   npm run build && node bench/what-if.mjs [--events 100000]
import { createRequire } from 'node:module';
import { mulberry32 } from './lib/stats.mjs';
const require = createRequire(import.meta.url);
const { DEFAULT_STAGE_DEFINITION_V1, simulateDefinitions } = require('../dist/libs/domain/src/index.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const EVENTS = arg('events', 100_000);
const PER_LEAD = 5;
const now = new Date('2026-11-23T12:00:00Z');
const TYPES = ['EMAIL_OPEN', 'BLOG_CLICK', 'PRICING_PAGE_VIEW', 'WEBINAR_ATTENDED', 'PRODUCT_VIDEO_VIEW', 'CASE_STUDY_VIEW', 'COMPARISON_GUIDE_DOWNLOAD', 'DEMO_REQUEST', 'SITE_VISIT'];
const WEIGHTS = [30, 20, 12, 8, 8, 6, 4, 1, 11];
const INDUSTRIES = ['SaaS', 'FinTech', 'Healthcare', 'Retail', 'Manufacturing'];
const COUNTRIES = ['DE', 'US', 'FR', 'JP', 'BR', 'GB'];

// Deterministic pseudo-random data (mulberry32) so every run replays the same events.
const rnd = mulberry32(42);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const weighted = () => {
  let r = rnd() * WEIGHTS.reduce((a, b) => a + b, 0);
  for (let i = 0; i < TYPES.length; i++) if ((r -= WEIGHTS[i]) < 0) return TYPES[i];
  return TYPES[0];
};

const leads = [];
for (let l = 0; l < EVENTS / PER_LEAD; l++) {
  const events = [];
  for (let e = 0; e < PER_LEAD; e++) events.push({ id: `e${l}-${e}`, type: weighted(), occurredAt: new Date(now.getTime() - rnd() * 60 * 86_400_000).toISOString() });
  leads.push({
    leadId: `l${l}`,
    source: pick(['WEBSITE', 'WEBINAR', 'PAID_SEARCH', 'EVENT']),
    segment: pick(['11-50', '51-200', '201-1000', '1001-5000']),
    profile: { industry: pick(INDUSTRIES), companySize: Math.floor(10 + rnd() * 3000), country: pick(COUNTRIES), title: pick(['VP Sales', 'Engineer', 'Head of Marketing', 'CTO', 'Analyst']), source: 'WEBSITE' },
    events,
    salesDecision: rnd() < 0.3 ? pick(['ACCEPTED', 'REJECTED']) : undefined,
  });
}
const draft = structuredClone(DEFAULT_STAGE_DEFINITION_V1);
// The draft lowers the pricing trigger from 3 views to 2 within 7 days.
draft.triggers.find((t) => t.id === 'PRICING_PAGE_REPEAT').count = 2;

const runs = [];
let result;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  result = simulateDefinitions({ leads, draft, active: DEFAULT_STAGE_DEFINITION_V1, now, days: 30 });
  runs.push(performance.now() - t0);
}
runs.sort((a, b) => a - b);
console.log(`what-if over ${EVENTS} events (${leads.length} leads, 60 days of history, 30-day window), draft vs active, 5 runs`);
console.log(`  median ${runs[2].toFixed(0)} ms  min ${runs[0].toFixed(0)} ms  max ${runs[4].toFixed(0)} ms`);
console.log(`  replayed ${result.eventsReplayed} events of ${result.leadsEvaluated} leads; MQLs: active ${result.active.mqls}, draft ${result.draft.mqls}; heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB`);
