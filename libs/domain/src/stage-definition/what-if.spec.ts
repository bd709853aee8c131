import { EngagementEvent } from '../engagement-event';
import { DomainRuleError } from '../field-violation';
import { evaluateHandoff, HandoffOutcome, HandoffProfile } from '../handoff';
import { DEFAULT_STAGE_DEFINITION_V1, ENGAGEMENT_TYPES, EngagementType, StageDefinitionContent } from '../stage-definition';
import { replayLead, SimLead, simulateDefinitions } from './what-if';

const NOW = new Date('2026-03-13T12:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const active = DEFAULT_STAGE_DEFINITION_V1;
const draft: StageDefinitionContent = { ...structuredClone(active), scoring: { ...structuredClone(active.scoring), mqlThreshold: 70 } };

const at = (agoMs: number) => new Date(NOW.getTime() - agoMs).toISOString();
const ev = (id: string, type: EngagementType, agoMs: number): EngagementEvent => ({ id, type, occurredAt: at(agoMs) });
const many = (prefix: string, n: number, type: EngagementType, agoMs: number) => Array.from({ length: n }, (_, i) => ev(`${prefix}${i}`, type, agoMs));

// VP title (+20), SaaS (+15), 201-1000 (+15), US: fit, every field.
const fit: HandoffProfile = { source: 'organic', industry: 'SaaS', companySize: 350, country: 'US', title: 'VP Marketing' };

const opens: SimLead = {
  leadId: 'opens', source: 'email', segment: '201-1000', profile: fit, salesDecision: 'ACCEPTED',
  // Five opens score at most the cap of 3; the demo request is after `now` and must be ignored.
  events: [...[10, 8, 6, 4, 2].map((d) => ev(`o${d}`, 'EMAIL_OPEN', d * DAY)), ev('future-demo', 'DEMO_REQUEST', -DAY)],
};
const pricing: SimLead = {
  leadId: 'pricing', source: 'organic', segment: '201-1000', profile: fit, salesDecision: 'ACCEPTED',
  // 3 views within 5 days: the trigger fires at the third (15 days ago). 'p18' repeats and counts once.
  events: [ev('p20', 'PRICING_PAGE_VIEW', 20 * DAY), ev('p18', 'PRICING_PAGE_VIEW', 18 * DAY), ev('p18', 'PRICING_PAGE_VIEW', 17 * DAY), ev('p15', 'PRICING_PAGE_VIEW', 15 * DAY)],
};
const threshold: SimLead = {
  leadId: 'threshold', source: 'webinar', segment: '51-200', profile: { ...fit, source: 'webinar', companySize: 120 }, salesDecision: 'REJECTED',
  // 5 days ago 12:00: 8 webinars (40) + 3 blog clicks (6) = 46; at 13:00 two pricing views (30), no trigger:
  // 40 x 0.5^(1/720) and 6 x 0.5^(1/720) still round to 40 and 6, so 76: MQL at 70, not at 85.
  events: [...many('w', 8, 'WEBINAR_ATTENDED', 5 * DAY), ...many('b', 3, 'BLOG_CLICK', 5 * DAY), ...many('pp', 2, 'PRICING_PAGE_VIEW', 5 * DAY - HOUR)],
};
const incomplete: SimLead = {
  leadId: 'incomplete', source: 'paid-search', segment: '1001-5000', salesDecision: 'ACCEPTED',
  // No industry: 'head' (+20) and 1001-5000 (+15) still fit, but a required field is missing.
  profile: { source: 'paid-search', companySize: 2000, country: 'DE', title: 'Head of Operations' },
  events: [ev('d', 'DEMO_REQUEST', 3 * DAY), ev('p', 'PRICING_PAGE_VIEW', 2 * DAY)],
};
const notIcp: SimLead = {
  leadId: 'not-icp', source: 'paid-search', segment: '1-10', salesDecision: 'REJECTED',
  profile: { source: 'paid-search', industry: 'Retail', companySize: 5, country: 'US', title: 'Intern' },
  events: [ev('d', 'DEMO_REQUEST', DAY)],
};
const history: SimLead = {
  leadId: 'history', source: 'organic', segment: '51-200', profile: { ...fit, companySize: 120 }, salesDecision: 'ACCEPTED',
  // Two views before the window, the third exactly on its start (30 days ago, included): MQL there.
  events: [ev('h34', 'PRICING_PAGE_VIEW', 34 * DAY), ev('h32', 'PRICING_PAGE_VIEW', 32 * DAY), ev('h30', 'PRICING_PAGE_VIEW', 30 * DAY)],
};
const quiet: SimLead = {
  leadId: 'quiet', source: 'organic', segment: '51-200', profile: fit, salesDecision: 'ACCEPTED',
  events: [ev('old-demo', 'DEMO_REQUEST', 60 * DAY)],
};
const leads = [opens, pricing, threshold, incomplete, notIcp, history, quiet];

describe('simulateDefinitions', () => {
  it('replays the fixture: exact counts per definition', () => {
    expect(simulateDefinitions({ leads, draft, active, now: NOW, days: 30 })).toEqual({
      active: {
        mqls: 2, incomplete: 1,
        bySource: { organic: 2 }, bySegment: { '201-1000': 1, '51-200': 1 },
        acceptedThatQualify: 2, rejectedThatQualify: 0,
      },
      draft: {
        mqls: 3, incomplete: 1,
        bySource: { organic: 2, webinar: 1 }, bySegment: { '201-1000': 1, '51-200': 2 },
        acceptedThatQualify: 2, rejectedThatQualify: 1,
      },
      leadsEvaluated: 6, // 'quiet' has nothing in the window
      eventsReplayed: 5 + 3 + 13 + 2 + 1 + 1,
    });
  });

  it('a shorter window drops the lead whose only event in it sat on the old boundary', () => {
    const r = simulateDefinitions({ leads, draft, active, now: NOW, days: 29.5 });
    expect(r.leadsEvaluated).toBe(5);
    expect(r.active.mqls).toBe(1);
    expect(r.active.bySegment).toEqual({ '201-1000': 1 });
  });

  it('swapping draft and active swaps the results', () => {
    const r = simulateDefinitions({ leads, draft: active, active: draft, now: NOW, days: 30 });
    expect([r.draft.mqls, r.active.mqls, r.active.rejectedThatQualify]).toEqual([2, 3, 1]);
  });

  it('refuses bad input with every broken field named', () => {
    const broken = { ...structuredClone(active), scoring: { ...structuredClone(active.scoring), mqlThreshold: 0 } };
    const call = () => simulateDefinitions({ leads: [opens, opens], draft: broken, active, now: new Date(Number.NaN), days: 0 });
    expect(call).toThrow(DomainRuleError);
    try {
      call();
    } catch (e) {
      expect((e as DomainRuleError).violations.map((v) => `${v.field}:${v.rule}`)).toEqual([
        'now:VALID_INSTANT', 'days:RANGE', 'draft.scoring.mqlThreshold:RANGE', 'leads[1].leadId:UNIQUE',
      ]);
    }
    const badInstant = { ...opens, events: [{ id: 'x', type: 'EMAIL_OPEN' as const, occurredAt: '2026-03-01 10:00' }] };
    expect(() => simulateDefinitions({ leads: [badInstant], draft, active, now: NOW, days: 30 })).toThrow(/leads\[0\]\.events\[0\]\.occurredAt/);
  });
});

describe('replayLead', () => {
  it('records the first MQL instant and evaluates only where intent is possible', () => {
    expect(replayLead(pricing, active, NOW, 30)).toEqual({ outcome: 'MQL', mqlAt: '2026-02-26T12:00:00.000Z', evaluations: 1 });
    expect(replayLead(threshold, draft, NOW, 30)).toEqual({ outcome: 'MQL', mqlAt: '2026-03-08T13:00:00.000Z', evaluations: 1 });
    expect(replayLead(threshold, active, NOW, 30)).toEqual({ outcome: 'ENGAGED', evaluations: 0 });
    expect(replayLead(history, active, NOW, 30)).toEqual({ outcome: 'MQL', mqlAt: '2026-02-11T12:00:00.000Z', evaluations: 1 });
  });

  it('five opens never qualify; a lead that cannot fit is never scored; INCOMPLETE stops when MQL is out of reach', () => {
    expect(replayLead(opens, draft, NOW, 30)).toEqual({ outcome: 'ENGAGED', evaluations: 0 });
    expect(replayLead(notIcp, active, NOW, 30)).toEqual({ outcome: 'ENGAGED', evaluations: 0 });
    expect(replayLead(incomplete, active, NOW, 30)).toEqual({ outcome: 'INCOMPLETE', evaluations: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// The shortcuts must not change any answer: compare with evaluating at every instant.

function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function naive(lead: SimLead, definition: StageDefinitionContent, days: number): { outcome: HandoffOutcome; mqlAt?: string } {
  const from = NOW.getTime() - days * DAY;
  const seen = new Set<string>();
  const instants = new Set<number>();
  for (const e of lead.events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const t = Date.parse(e.occurredAt);
    if (t >= from && t <= NOW.getTime()) instants.add(t);
  }
  let incompleteSeen = false;
  for (const t of [...instants].sort((a, b) => a - b)) {
    const { outcome } = evaluateHandoff({ profile: lead.profile, events: lead.events, definition, now: new Date(t) });
    if (outcome === 'MQL') return { outcome, mqlAt: new Date(t).toISOString() };
    if (outcome === 'INCOMPLETE') incompleteSeen = true;
  }
  return { outcome: incompleteSeen ? 'INCOMPLETE' : 'ENGAGED' };
}

describe('replayLead = evaluating after every event (seeded random leads)', () => {
  const rnd = lcg(20260313);
  const profiles: HandoffProfile[] = [
    fit,
    { ...fit, industry: undefined },
    { ...fit, title: 'Analyst' },
    { ...fit, title: 'Analyst', industry: 'Retail' },
    { ...fit, contentConsumed: [] },
    { ...fit, source: undefined, country: 'JP' },
    { title: 'Director', country: 'GB' },
  ];
  // Pricing views weighted up so the repeated trigger is exercised often.
  const types: readonly EngagementType[] = [...ENGAGEMENT_TYPES, ...Array<EngagementType>(6).fill('PRICING_PAGE_VIEW')];
  const randomLeads: SimLead[] = Array.from({ length: 250 }, (_, i) => {
    const n = rnd(30);
    const events: EngagementEvent[] = Array.from({ length: n }, (_, j) => ({
      id: `e${rnd(Math.max(1, n + 3))}-${j % 7 === 0 ? 0 : j}`, // some ids repeat
      type: types[rnd(types.length)],
      occurredAt: at(rnd(45 * 8) * 3 * HOUR - 2 * DAY), // a 3-hour grid from 2 days ahead to 43 days ago
    }));
    return { leadId: `r${i}`, source: 's', segment: 'x', profile: profiles[rnd(profiles.length)], events };
  });
  const eager: StageDefinitionContent = {
    ...structuredClone(active),
    triggers: structuredClone(active.triggers).map((t) => (t.kind === 'REPEATED' ? { ...t, count: 2, withinDays: 3, lookbackDays: 10 } : t)).filter((t) => t.kind !== 'EVENT'),
    scoring: { ...structuredClone(active.scoring), mqlThreshold: 40, halfLifeDays: 7, caps: { EMAIL_OPEN: 10 }, weights: { ...active.scoring.weights, EMAIL_OPEN: 4, WEBINAR_ATTENDED: 20 } },
  };

  it.each([
    ['v1', active],
    ['an eager draft', eager],
  ])('under %s', (_name, definition) => {
    const outcomes: Record<string, number> = {};
    let evaluations = 0;
    let instants = 0;
    for (const lead of randomLeads) {
      const fast = replayLead(lead, definition, NOW, 30);
      const slow = naive(lead, definition, 30);
      expect({ lead: lead.leadId, outcome: fast.outcome, mqlAt: fast.mqlAt }).toEqual({ lead: lead.leadId, ...slow });
      outcomes[fast.outcome] = (outcomes[fast.outcome] ?? 0) + 1;
      evaluations += fast.evaluations;
      instants += new Set(lead.events.map((e) => e.occurredAt).filter((s) => Date.parse(s) <= NOW.getTime() && Date.parse(s) >= NOW.getTime() - 30 * DAY)).size;
    }
    // The sample exercises every outcome, and the shortcuts skip most instants.
    expect(Object.keys(outcomes).sort()).toEqual(['ENGAGED', 'INCOMPLETE', 'MQL']);
    expect(evaluations).toBeLessThan(instants / 2);
  });
});
