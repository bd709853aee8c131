import { DEFAULT_STAGE_DEFINITION_V1, StageDefinitionContent } from '../stage-definition';
import { diffStageDefinitions } from './diff';

const v1 = DEFAULT_STAGE_DEFINITION_V1;
const copy = (): StageDefinitionContent => structuredClone(v1) as StageDefinitionContent;

describe('diffStageDefinitions', () => {
  it('identical contents (v1 and a deep copy of it) have no changes', () => {
    expect(diffStageDefinitions(v1, v1)).toEqual([]);
    expect(diffStageDefinitions(v1, copy())).toEqual([]);
  });

  it('a copy of v1 with three edits gives exactly those three changes, ordered by path', () => {
    const v2 = copy();
    v2.scoring.weights.DEMO_REQUEST = 40;
    v2.triggers.find((t) => t.id === 'PRICING_PAGE_REPEAT')!.count = 2;
    v2.rejectionCodes.find((r) => r.code === 'WRONG_CONTACT')!.noteRequired = false;
    expect(diffStageDefinitions(v1, v2)).toEqual([
      { path: 'rejectionCodes[WRONG_CONTACT].noteRequired', kind: 'CHANGED', from: true, to: false },
      { path: 'scoring.weights.DEMO_REQUEST', kind: 'CHANGED', from: 30, to: 40 },
      { path: 'triggers[PRICING_PAGE_REPEAT].count', kind: 'CHANGED', from: 3, to: 2 },
    ]);
  });

  it('reordering keyed lists and sets is not a change', () => {
    const v2 = copy();
    v2.triggers.reverse();
    v2.rejectionCodes.reverse();
    v2.disqualificationReasons.reverse();
    v2.recycle.reverse();
    v2.icp.sizeBands.reverse();
    v2.icp.industries.reverse();
    v2.requiredFields.reverse();
    expect(diffStageDefinitions(v1, v2)).toEqual([]);
  });

  it('set members, keyed elements and record keys are ADDED / REMOVED with their value', () => {
    const v2 = copy();
    v2.icp.industries = ['SaaS', 'Healthcare', 'Retail']; // - FinTech, + Retail
    v2.triggers = v2.triggers.filter((t) => t.id !== 'COMPARISON_GUIDE');
    v2.triggers.find((t) => t.id === 'MID_FUNNEL_WITH_FIT')!.eventTypes.push('WEBINAR_ATTENDED');
    v2.scoring.caps = { EMAIL_OPEN: 3 }; // BLOG_CLICK cap removed
    v2.scoring.weights.SITE_VISIT = 1;
    delete v2.icp.sizeBands.find((b) => b.id === '1001-5000')!.max;
    const comparison = v1.triggers.find((t) => t.id === 'COMPARISON_GUIDE');
    expect(diffStageDefinitions(v1, v2)).toEqual([
      { path: 'icp.industries[FinTech]', kind: 'REMOVED', from: 'FinTech' },
      { path: 'icp.industries[Retail]', kind: 'ADDED', to: 'Retail' },
      { path: 'icp.sizeBands[1001-5000].max', kind: 'REMOVED', from: 5000 },
      { path: 'scoring.caps.BLOG_CLICK', kind: 'REMOVED', from: 6 },
      { path: 'scoring.weights.SITE_VISIT', kind: 'ADDED', to: 1 },
      { path: 'triggers[COMPARISON_GUIDE]', kind: 'REMOVED', from: comparison },
      { path: 'triggers[MID_FUNNEL_WITH_FIT].eventTypes[WEBINAR_ATTENDED]', kind: 'ADDED', to: 'WEBINAR_ATTENDED' },
    ]);
  });

  it('cadence steps are compared by position, ordered numerically; sla and recycle policies by field', () => {
    const v2 = copy();
    v2.cadence.steps[3] = { day: 4, channel: 'EMAIL' };
    v2.cadence.steps.push({ day: 12, channel: 'CALL' }, { day: 13, channel: 'LINKEDIN' }, { day: 14, channel: 'CALL' });
    v2.sla.acceptBusinessMinutes = 180;
    v2.recycle = v2.recycle.map((p) => (p.reason === 'NO_BUDGET' ? { reason: 'NO_BUDGET', action: 'CLOSE' } : p));
    expect(diffStageDefinitions(v1, v2)).toEqual([
      { path: 'cadence.steps[3].channel', kind: 'CHANGED', from: 'CALL', to: 'EMAIL' },
      { path: 'cadence.steps[8]', kind: 'ADDED', to: { day: 12, channel: 'CALL' } },
      { path: 'cadence.steps[9]', kind: 'ADDED', to: { day: 13, channel: 'LINKEDIN' } },
      { path: 'cadence.steps[10]', kind: 'ADDED', to: { day: 14, channel: 'CALL' } },
      { path: 'recycle[NO_BUDGET].action', kind: 'CHANGED', from: 'NURTURE', to: 'CLOSE' },
      { path: 'recycle[NO_BUDGET].reengageDays', kind: 'REMOVED', from: 90 },
      { path: 'recycle[NO_BUDGET].repDateRequired', kind: 'REMOVED', from: false },
      { path: 'sla.acceptBusinessMinutes', kind: 'CHANGED', from: 240, to: 180 },
    ]);
  });

  it('the reverse diff swaps ADDED and REMOVED, and from and to', () => {
    const v2 = copy();
    v2.icp.regions = ['NA', 'EMEA', 'APAC'];
    v2.scoring.mqlThreshold = 70;
    expect(diffStageDefinitions(v2, v1)).toEqual([
      { path: 'icp.regions[APAC]', kind: 'REMOVED', from: 'APAC' },
      { path: 'scoring.mqlThreshold', kind: 'CHANGED', from: 70, to: 85 },
    ]);
  });
});
