import {
  DEFAULT_STAGE_DEFINITION_V1,
  DISQUALIFICATION_REASONS,
  ENGAGEMENT_TYPES,
  LEAD_STAGES,
  REJECTION_CODES,
  stageBefore,
  StageDefinitionContent,
  TOUCH_CHANNELS,
  TOUCH_OUTCOMES,
  validateStageDefinition,
} from './stage-definition';

const v1 = DEFAULT_STAGE_DEFINITION_V1;
const copy = (): StageDefinitionContent => structuredClone(v1) as StageDefinitionContent;
const rules = (content: StageDefinitionContent) => validateStageDefinition(content).map((v) => `${v.field}:${v.rule}`);

describe('stage definition v1 (the brief, as data)', () => {
  it('is valid', () => {
    expect(validateStageDefinition(v1)).toEqual([]);
  });

  it('holds the agreed ICP, scores and threshold', () => {
    expect(v1.icp.targetSizeBands).toEqual(['51-200', '201-1000', '1001-5000']);
    expect(v1.icp.industries).toEqual(['SaaS', 'FinTech', 'Healthcare']);
    expect(v1.icp.regions).toEqual(['NA', 'EMEA']);
    expect(v1.icp.points).toEqual({ seniorTitle: 20, industry: 15, sizeBand: 15 });
    expect(v1.scoring.weights).toMatchObject({
      DEMO_REQUEST: 30, PRICING_PAGE_VIEW: 15, COMPARISON_GUIDE_DOWNLOAD: 20, PRODUCT_VIDEO_VIEW: 10,
      CASE_STUDY_VIEW: 10, WEBINAR_ATTENDED: 5, BLOG_CLICK: 2, EMAIL_OPEN: 1,
    });
    expect(v1.scoring.caps).toEqual({ EMAIL_OPEN: 3, BLOG_CLICK: 6 });
    expect(v1.scoring.halfLifeDays).toBe(30);
    expect(v1.scoring.mqlThreshold).toBe(85);
  });

  it('holds the SLA terms, the 8-touch/14-day cadence and the required fields', () => {
    expect(v1.sla).toEqual({
      acceptBusinessMinutes: 240, reassignOnAcceptBreach: true, hotFirstTouchBusinessMinutes: 120, demoFirstTouchBusinessMinutes: 15,
      standardFirstTouch: 'END_OF_BUSINESS_DAY', touchLoggingMinutes: 1440,
    });
    expect(v1.cadence.steps.map((s) => `${s.day}${s.channel[0]}`)).toEqual(['1C', '1E', '2L', '4C', '6E', '8C', '11L', '14E']);
    expect(v1.cadence.minTouches).toBe(8);
    expect(v1.cadence.windowDays).toBe(14);
    expect(v1.requiredFields).toEqual(['source', 'industry', 'companySize', 'country', 'contentConsumed', 'intentScore']);
    expect(v1.bant.minConfirmed).toBe(3);
  });

  it('covers every rejection code and disqualification reason, with the brief recycle routes', () => {
    expect(v1.rejectionCodes.map((r) => r.code)).toEqual([...REJECTION_CODES]);
    expect(v1.disqualificationReasons.map((r) => r.code)).toEqual([...DISQUALIFICATION_REASONS]);
    expect(v1.disqualificationReasons.filter((r) => r.requiresCadence).map((r) => r.code)).toEqual(['UNRESPONSIVE']);
    const action = (reason: string) => v1.recycle.find((p) => p.reason === reason);
    expect(action('BAD_TIMING')).toEqual({ reason: 'BAD_TIMING', action: 'NURTURE', reengageDays: 90, repDateRequired: true });
    expect(action('UNRESPONSIVE')).toMatchObject({ action: 'NURTURE', reengageDays: 90, repDateRequired: false });
    expect(action('NO_ACTIVE_PRIORITY')).toMatchObject({ action: 'NURTURE' });
    expect(action('WRONG_CONTACT')?.action).toBe('DATA_REPAIR');
    expect(action('NOT_ICP')?.action).toBe('CLOSE');
    expect(action('DUPLICATE_ACCOUNT')?.action).toBe('CLOSE');
  });

  it('is frozen so nobody edits the seeded version in place', () => {
    expect(Object.isFrozen(v1.scoring.weights)).toBe(true);
    expect(() => {
      (v1.cadence.steps as { day: number }[])[0].day = 2;
    }).toThrow(TypeError);
  });

  it('exports the code lists the API turns into GraphQL enums', () => {
    expect(ENGAGEMENT_TYPES).toHaveLength(14);
    expect(TOUCH_CHANNELS).toEqual(['CALL', 'EMAIL', 'LINKEDIN']);
    expect(TOUCH_OUTCOMES).toContain('MEETING_BOOKED');
    expect(LEAD_STAGES).toEqual(expect.arrayContaining(['INCOMPLETE', 'RECYCLED', 'ONBOARDING', 'CHURNED']));
  });
});

describe('validateStageDefinition', () => {
  it('rejects weights and thresholds out of range', () => {
    const c = copy();
    c.scoring.weights.DEMO_REQUEST = -5;
    c.scoring.weights.EMAIL_OPEN = 1000;
    c.scoring.mqlThreshold = 0;
    c.scoring.halfLifeDays = 0;
    c.icp.minFitPoints = 51;
    expect(rules(c)).toEqual(
      expect.arrayContaining([
        'scoring.weights.DEMO_REQUEST:RANGE',
        'scoring.weights.EMAIL_OPEN:RANGE',
        'scoring.mqlThreshold:RANGE',
        'scoring.halfLifeDays:RANGE',
        'icp.minFitPoints:RANGE',
      ]),
    );
  });

  it('rejects non-positive SLA durations', () => {
    const c = copy();
    c.sla.acceptBusinessMinutes = 0;
    c.sla.touchLoggingMinutes = -60;
    expect(rules(c)).toEqual(['sla.acceptBusinessMinutes:POSITIVE', 'sla.touchLoggingMinutes:POSITIVE']);
  });

  it('requires the cadence to fit its window and to hold at least minTouches', () => {
    const c = copy();
    c.cadence.steps[7].day = 15;
    expect(rules(c)).toEqual(['cadence.steps[7].day:WITHIN_WINDOW']);
    const short = copy();
    short.cadence.steps.pop();
    expect(rules(short)).toEqual(['cadence.steps:AT_LEAST_MIN_TOUCHES']);
  });

  it('requires unique codes and known reasons in the recycle policy', () => {
    const c = copy();
    c.rejectionCodes.push({ code: 'NOT_ICP', label: 'again', noteRequired: false });
    c.recycle.push({ reason: 'NOT_A_REASON' as never, action: 'CLOSE' });
    expect(rules(c)).toEqual(['rejectionCodes[6]:UNIQUE', 'recycle[10].reason:KNOWN_REASON']);
  });

  it('requires a recycle policy for every code the definition uses', () => {
    const c = copy();
    c.recycle = c.recycle.filter((p) => p.reason !== 'NO_BUDGET');
    expect(validateStageDefinition(c)).toEqual([expect.objectContaining({ field: 'recycle', rule: 'POLICY_FOR_EVERY_REASON' })]);
  });

  it('rejects unknown engagement types, size bands and triggers without events', () => {
    const c = copy();
    c.triggers[0].eventTypes = [];
    c.triggers[2].count = 1;
    c.icp.targetSizeBands.push('10000+');
    (c.scoring.weights as Record<string, number>).TIKTOK_LIKE = 1;
    expect(rules(c)).toEqual(
      expect.arrayContaining([
        'triggers[0].eventTypes:NOT_EMPTY',
        'triggers[2].count:RANGE',
        'icp.targetSizeBands[3]:KNOWN_SIZE_BAND',
        'scoring.weights.TIKTOK_LIKE:KNOWN_ENGAGEMENT_TYPE',
      ]),
    );
  });

  it('rejects a BANT rule asking for more than 4 or fewer than 1 confirmations', () => {
    const c = copy();
    c.bant.minConfirmed = 5;
    expect(rules(c)).toEqual(['bant.minConfirmed:RANGE']);
  });
});

describe('stageBefore: the order of one cycle', () => {
  it('orders the way from first touch to the open opportunity', () => {
    expect(stageBefore('FIRST_TOUCH', 'MQL')).toBe(true);
    expect(stageBefore('ENGAGED', 'SAL')).toBe(true);
    expect(stageBefore('MQL', 'OPPORTUNITY')).toBe(true);
    expect(stageBefore('SAL', 'MQL')).toBe(false);
    expect(stageBefore('MQL', 'MQL')).toBe(false);
  });
  it('places side paths and closed stages nowhere: a recycled lead nurtured again is not behind', () => {
    expect(stageBefore('ENGAGED', 'RECYCLED')).toBe(false);
    expect(stageBefore('RECYCLED', 'MQL')).toBe(false);
    expect(stageBefore('SAL', 'CLOSED_WON')).toBe(false);
  });
});
