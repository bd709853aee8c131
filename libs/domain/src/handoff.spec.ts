import { EngagementEvent } from './engagement-event';
import { evaluateHandoff, eventsNeedLeadWorkflow, handoffChangesStage, HandoffProfile, requiredFieldsMissing } from './handoff';
import { DEFAULT_STAGE_DEFINITION_V1, EngagementType } from './stage-definition';

const definition = DEFAULT_STAGE_DEFINITION_V1;
const NOW = new Date('2026-03-13T12:00:00Z');
const DAY = 86_400_000;
const ev = (id: string, type: EngagementType, agoDays: number, content?: string): EngagementEvent => ({
  id,
  type,
  occurredAt: new Date(NOW.getTime() - agoDays * DAY).toISOString(),
  content,
});
const fitProfile: HandoffProfile = { source: 'paid-search', industry: 'SaaS', companySize: 350, country: 'US', title: 'VP Marketing' };

describe('evaluateHandoff', () => {
  it('a fit with a demo request and every field is a hot MQL demo request', () => {
    const r = evaluateHandoff({ profile: fitProfile, events: [ev('d', 'DEMO_REQUEST', 0, '/demo')], definition, now: NOW });
    expect(r).toMatchObject({ outcome: 'MQL', hot: true, demoRequest: true, missingFields: [], contentConsumed: ['/demo'] });
    expect(r.triggers.map((t) => t.triggerId)).toEqual(['DEMO_REQUEST']);
  });

  it('a score of 85 or more qualifies a fit without any trigger; exactly 85 is MQL but not hot', () => {
    // 3 case studies + 3 videos + 5 webinars today = 30 + 30 + 25 = 85
    const events = [
      ...[1, 2, 3].map((i) => ev(`cs${i}`, 'CASE_STUDY_VIEW', 0)),
      ...[1, 2, 3].map((i) => ev(`pv${i}`, 'PRODUCT_VIDEO_VIEW', 0)),
      ...[1, 2, 3, 4, 5].map((i) => ev(`w${i}`, 'WEBINAR_ATTENDED', 0)),
    ];
    const nonFitTriggersOff = { ...definition, triggers: definition.triggers.filter((t) => t.kind !== 'CONTENT_WITH_FIT') };
    const r = evaluateHandoff({ profile: fitProfile, events, definition: nonFitTriggersOff, now: NOW });
    expect(r.score.score).toBe(85);
    expect(r.triggers).toEqual([]);
    expect(r).toMatchObject({ outcome: 'MQL', hot: false, demoRequest: false });
    const more = evaluateHandoff({ profile: fitProfile, events: [...events, ev('b', 'BLOG_CLICK', 0)], definition: nonFitTriggersOff, now: NOW });
    expect(more).toMatchObject({ outcome: 'MQL', hot: true });
  });

  it('without fit nothing qualifies, even a demo request', () => {
    const r = evaluateHandoff({
      profile: { ...fitProfile, industry: 'Retail', companySize: 8 },
      events: [ev('d', 'DEMO_REQUEST', 0)],
      definition,
      now: NOW,
    });
    expect(r.outcome).toBe('ENGAGED');
    expect(r.fit.fit).toBe(false);
  });

  it('five email opens keep a fit lead ENGAGED', () => {
    const r = evaluateHandoff({ profile: fitProfile, events: [1, 2, 3, 4, 5].map((i) => ev(`o${i}`, 'EMAIL_OPEN', 0)), definition, now: NOW });
    expect(r).toMatchObject({ outcome: 'ENGAGED', hot: false });
    expect(r.score.score).toBe(3);
  });

  it('a lead that triggers but lacks required fields is INCOMPLETE, naming them', () => {
    const r = evaluateHandoff({
      profile: { title: 'CTO', companySize: 300, country: 'DE' },
      events: [ev('g', 'COMPARISON_GUIDE_DOWNLOAD', 1, 'Baton vs. Spreadsheet')],
      definition,
      now: NOW,
    });
    expect(r.outcome).toBe('INCOMPLETE');
    expect(r.missingFields).toEqual(['source', 'industry']);
    expect(r.reasons).toContain('missing required fields: source, industry');
  });

  it('mid-funnel content by a lead whose industry is still unknown is held INCOMPLETE, not lost', () => {
    const r = evaluateHandoff({ profile: { ...fitProfile, title: 'Analyst', industry: undefined }, events: [ev('v', 'PRODUCT_VIDEO_VIEW', 1)], definition, now: NOW });
    expect(r.fit).toMatchObject({ fit: false, points: 15, possible: true });
    expect(r.outcome).toBe('INCOMPLETE');
    expect(r.missingFields).toEqual(['industry']);
    const enriched = evaluateHandoff({ profile: { ...fitProfile, title: 'Analyst' }, events: [ev('v', 'PRODUCT_VIDEO_VIEW', 1)], definition, now: NOW });
    expect(enriched.outcome).toBe('MQL');
  });

  it('a lead with no content consumed at all is missing contentConsumed', () => {
    const r = evaluateHandoff({ profile: fitProfile, events: [ev('o', 'EMAIL_OPEN', 0)], definition, now: NOW });
    expect(r.missingFields).toEqual(['contentConsumed']);
  });

  it('mid-funnel content plus fit is an MQL that is not hot', () => {
    const r = evaluateHandoff({ profile: fitProfile, events: [ev('cs', 'CASE_STUDY_VIEW', 1, 'Acme case study')], definition, now: NOW });
    expect(r).toMatchObject({ outcome: 'MQL', hot: false, demoRequest: false, contentConsumed: ['Acme case study'] });
  });

  it('a return visit after outreach hands off a fit', () => {
    const r = evaluateHandoff({
      profile: fitProfile,
      events: [ev('v', 'SITE_VISIT', 1, '/pricing')],
      definition,
      now: NOW,
      lastOutreachAt: new Date(NOW.getTime() - 2 * DAY),
    });
    expect(r.outcome).toBe('MQL');
    expect(r.triggers.map((t) => t.triggerId)).toEqual(['RETURN_VISIT_AFTER_OUTREACH']);
  });

  it('a recycled lead needs fresh intent strictly after its re-engage date', () => {
    const reengageAfter = new Date(NOW.getTime() - 5 * DAY);
    const old = ev('d', 'DEMO_REQUEST', 6, '/demo');
    const stale = evaluateHandoff({ profile: fitProfile, events: [old], definition, now: NOW, reengageAfter });
    expect(stale.outcome).toBe('ENGAGED');
    expect(stale.score.score).toBe(0);
    expect(stale.contentConsumed).toEqual(['/demo']);
    const atBoundary = evaluateHandoff({ profile: fitProfile, events: [old, ev('c', 'CONTACT_SALES', 5)], definition, now: NOW, reengageAfter });
    expect(atBoundary.outcome).toBe('ENGAGED');
    const fresh = evaluateHandoff({ profile: fitProfile, events: [old, ev('c', 'CONTACT_SALES', 4)], definition, now: NOW, reengageAfter });
    expect(fresh).toMatchObject({ outcome: 'MQL', hot: true, demoRequest: false });
  });
});

describe('requiredFieldsMissing', () => {
  it('treats blank strings, empty lists and non-numbers as missing, in the definition order', () => {
    expect(
      requiredFieldsMissing(
        { source: '  ', industry: 'SaaS', companySize: NaN, country: 'US', contentConsumed: [], intentScore: 0 },
        definition.requiredFields,
      ),
    ).toEqual(['source', 'companySize', 'contentConsumed']);
    expect(requiredFieldsMissing({}, ['country'])).toEqual(['country']);
  });
});

describe('which evaluations need the lead workflow', () => {
  it('a stage changes only on MQL, or on INCOMPLETE for a lead not yet incomplete', () => {
    expect(handoffChangesStage('ENGAGED', 'MQL')).toBe(true);
    expect(handoffChangesStage('ENGAGED', 'INCOMPLETE')).toBe(true);
    expect(handoffChangesStage('INCOMPLETE', 'INCOMPLETE')).toBe(false);
    expect(handoffChangesStage('ENGAGED', 'ENGAGED')).toBe(false);
    expect(handoffChangesStage('INCOMPLETE', 'ENGAGED')).toBe(false);
  });

  it('the new events of an engaged or incomplete lead may be settled by their evaluation', () => {
    expect(eventsNeedLeadWorkflow({ stage: 'ENGAGED', reengageAt: null }, ['EMAIL_OPEN', 'SITE_VISIT'])).toBe(false);
    expect(eventsNeedLeadWorkflow({ stage: 'INCOMPLETE', reengageAt: null }, ['BLOG_CLICK'])).toBe(false);
  });

  it('a lead not yet engaged, recycled with a re-engage date, or opting out or replying always needs its workflow', () => {
    expect(eventsNeedLeadWorkflow({ stage: 'FIRST_TOUCH', reengageAt: null }, ['EMAIL_OPEN'])).toBe(true);
    expect(eventsNeedLeadWorkflow({ stage: 'RECYCLED', reengageAt: null }, ['EMAIL_OPEN'])).toBe(true);
    expect(eventsNeedLeadWorkflow({ stage: 'ENGAGED', reengageAt: '2026-12-01T00:00:00.000Z' }, ['EMAIL_OPEN'])).toBe(true);
    for (const type of ['UNSUBSCRIBE', 'EMAIL_BOUNCE', 'EMAIL_REPLY']) expect(eventsNeedLeadWorkflow({ stage: 'ENGAGED', reengageAt: null }, ['EMAIL_OPEN', type])).toBe(true);
  });
});
