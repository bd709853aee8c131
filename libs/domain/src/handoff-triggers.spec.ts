import { EngagementEvent } from './engagement-event';
import { evaluateTriggers } from './handoff-triggers';
import { DEFAULT_STAGE_DEFINITION_V1, EngagementType } from './stage-definition';

const triggers = DEFAULT_STAGE_DEFINITION_V1.triggers;
const NOW = new Date('2026-03-13T12:00:00Z');
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const ev = (id: string, type: EngagementType, agoMs: number): EngagementEvent => ({ id, type, occurredAt: ago(agoMs) });
const ids = (events: EngagementEvent[], ctx = { fit: false }) => evaluateTriggers(events, triggers, ctx, NOW).map((h) => h.triggerId);

describe('evaluateTriggers', () => {
  it('a demo request fires at once, high-intent and as a demo request', () => {
    const [hit] = evaluateTriggers([ev('d', 'DEMO_REQUEST', 60_000)], triggers, { fit: false }, NOW);
    expect(hit).toMatchObject({ triggerId: 'DEMO_REQUEST', firedAt: ago(60_000), eventIds: ['d'], highIntent: true, demoRequest: true });
    expect(ids([ev('c', 'CONTACT_SALES', 0)])).toEqual(['CONTACT_SALES']);
  });

  it('pricing page 3 times within any rolling 7 days fires at the third view', () => {
    expect(ids([ev('a', 'PRICING_PAGE_VIEW', 10 * DAY), ev('b', 'PRICING_PAGE_VIEW', 6 * DAY), ev('c', 'PRICING_PAGE_VIEW', 2 * DAY)])).toEqual([]);
    const hits = evaluateTriggers(
      [ev('a', 'PRICING_PAGE_VIEW', 10 * DAY), ev('b', 'PRICING_PAGE_VIEW', 6 * DAY), ev('c', 'PRICING_PAGE_VIEW', 2 * DAY), ev('d', 'PRICING_PAGE_VIEW', 1 * DAY)],
      triggers,
      { fit: false },
      NOW,
    );
    expect(hits).toEqual([expect.objectContaining({ triggerId: 'PRICING_PAGE_REPEAT', firedAt: ago(DAY), eventIds: ['b', 'c', 'd'] })]);
  });

  it('the 7-day window is inclusive: exactly 7 x 24 h fires, one millisecond more does not', () => {
    const views = (spanMs: number) => [ev('a', 'PRICING_PAGE_VIEW', spanMs), ev('b', 'PRICING_PAGE_VIEW', DAY), ev('c', 'PRICING_PAGE_VIEW', 0)];
    expect(ids(views(7 * DAY))).toEqual(['PRICING_PAGE_REPEAT']);
    expect(ids(views(7 * DAY + 1))).toEqual([]);
  });

  it('the same event id three times is one view', () => {
    expect(ids([ev('a', 'PRICING_PAGE_VIEW', 0), ev('a', 'PRICING_PAGE_VIEW', 0), ev('a', 'PRICING_PAGE_VIEW', 0)])).toEqual([]);
  });

  it('a comparison guide download fires on its own (and is mid-funnel content for fits)', () => {
    expect(ids([ev('g', 'COMPARISON_GUIDE_DOWNLOAD', DAY)])).toEqual(['COMPARISON_GUIDE']);
    expect(ids([ev('g', 'COMPARISON_GUIDE_DOWNLOAD', DAY)], { fit: true })).toEqual(['COMPARISON_GUIDE', 'MID_FUNNEL_WITH_FIT']);
  });

  it('a return visit counts only strictly after the last direct outreach', () => {
    const outreach = new Date(NOW.getTime() - 2 * DAY);
    const before = ev('v1', 'SITE_VISIT', 3 * DAY);
    const same = ev('v2', 'SITE_VISIT', 2 * DAY);
    const after = ev('v3', 'SITE_VISIT', DAY);
    expect(evaluateTriggers([before, same], triggers, { fit: false, lastOutreachAt: outreach }, NOW)).toEqual([]);
    expect(evaluateTriggers([before, same, after], triggers, { fit: false, lastOutreachAt: outreach }, NOW)).toEqual([
      expect.objectContaining({ triggerId: 'RETURN_VISIT_AFTER_OUTREACH', eventIds: ['v3'], firedAt: after.occurredAt }),
    ]);
    expect(ids([after])).toEqual([]);
  });

  it('mid-funnel content (video, case study) hands off only with fit', () => {
    const content = [ev('v', 'PRODUCT_VIDEO_VIEW', 2 * DAY), ev('cs', 'CASE_STUDY_VIEW', DAY)];
    expect(ids(content, { fit: false })).toEqual([]);
    expect(evaluateTriggers(content, triggers, { fit: true }, NOW)).toEqual([
      expect.objectContaining({ triggerId: 'MID_FUNNEL_WITH_FIT', eventIds: ['v'], firedAt: ago(2 * DAY) }),
    ]);
  });

  it('events older than the lookback (30 days) or after now do not fire', () => {
    expect(ids([ev('d', 'DEMO_REQUEST', 30 * DAY + 1)])).toEqual([]);
    expect(ids([ev('d', 'DEMO_REQUEST', 30 * DAY)])).toEqual(['DEMO_REQUEST']);
    expect(ids([ev('d', 'DEMO_REQUEST', -1)])).toEqual([]);
  });

  it('fires at the earliest completing event when several would', () => {
    const [hit] = evaluateTriggers([ev('late', 'DEMO_REQUEST', DAY), ev('early', 'DEMO_REQUEST', 5 * DAY)], triggers, { fit: false }, NOW);
    expect(hit.eventIds).toEqual(['early']);
  });
});
