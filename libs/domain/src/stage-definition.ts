import { FieldViolation } from './field-violation';

// Every code union is a string-literal array first, so the API can build GraphQL enums from it.

export const LEAD_STAGES = [
  'FIRST_TOUCH',
  'ENGAGED',
  'INCOMPLETE',
  'MQL',
  'SAL',
  'SQL',
  'OPPORTUNITY',
  'CLOSED_WON',
  'CLOSED_LOST',
  'REJECTED',
  'DISQUALIFIED',
  'RECYCLED',
  'ONBOARDING',
  'RETAINED',
  'EXPANDED',
  'CHURNED',
] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];

/**
 * Stages in which a lead is owned by a rep and takes their time: routed and awaiting a
 * decision (MQL) or being worked. What a rep's queue lists and what capacity counts.
 */
export const OPEN_LEAD_STAGES = ['MQL', 'SAL', 'SQL', 'OPPORTUNITY'] as const satisfies readonly LeadStage[];

/**
 * Stages in which the lead's lifecycle workflow has ended (a recycled lead is RECYCLED, not
 * REJECTED or DISQUALIFIED): later engagement is stored but does not reopen it.
 */
export const CLOSED_LEAD_STAGES = ['CLOSED_WON', 'CLOSED_LOST', 'REJECTED', 'DISQUALIFIED'] as const satisfies readonly LeadStage[];

/** The stages after a won deal (the CUSTOMER part of the lifecycle). */
export const CUSTOMER_STAGES = ['ONBOARDING', 'RETAINED', 'EXPANDED', 'CHURNED'] as const satisfies readonly LeadStage[];
export type CustomerStage = (typeof CUSTOMER_STAGES)[number];

export const ENGAGEMENT_TYPES = [
  'DEMO_REQUEST',
  'CONTACT_SALES',
  'PRICING_PAGE_VIEW',
  'COMPARISON_GUIDE_DOWNLOAD',
  'PRODUCT_VIDEO_VIEW',
  'CASE_STUDY_VIEW',
  'WEBINAR_ATTENDED',
  'BLOG_CLICK',
  'EMAIL_OPEN',
  'SITE_VISIT',
  'FORM_SUBMIT',
  'EMAIL_REPLY',
  'EMAIL_BOUNCE',
  'UNSUBSCRIBE',
] as const;
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];

export const TOUCH_CHANNELS = ['CALL', 'EMAIL', 'LINKEDIN'] as const;
export type TouchChannel = (typeof TOUCH_CHANNELS)[number];

export const TOUCH_OUTCOMES = [
  'ATTEMPTED',
  'CONNECTED',
  'REPLIED',
  'NO_ANSWER',
  'VOICEMAIL',
  'BOUNCED',
  'OPTED_OUT',
  'MEETING_BOOKED',
] as const;
export type TouchOutcome = (typeof TOUCH_OUTCOMES)[number];

export const REJECTION_CODES = [
  'NOT_ICP',
  'NO_ACTIVE_PRIORITY',
  'WRONG_CONTACT',
  'DUPLICATE_ACCOUNT',
  'BAD_TIMING',
  'ALREADY_IN_SEQUENCE',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export const DISQUALIFICATION_REASONS = [
  'UNRESPONSIVE',
  'NO_BUDGET',
  'WRONG_CONTACT',
  'NOT_ICP',
  'BAD_TIMING',
  'OPTED_OUT',
  'LOST_TO_COMPETITOR',
] as const;
export type DisqualificationReason = (typeof DISQUALIFICATION_REASONS)[number];

/** Anything a lead can leave sales with: a rejection code or a disqualification reason. */
export type RecycleReason = RejectionCode | DisqualificationReason;
export const RECYCLE_REASONS = [...new Set<RecycleReason>([...REJECTION_CODES, ...DISQUALIFICATION_REASONS])] as readonly RecycleReason[];

export const RECYCLE_ACTIONS = ['NURTURE', 'DATA_REPAIR', 'CLOSE'] as const;
export type RecycleAction = (typeof RECYCLE_ACTIONS)[number];

export const REGIONS = ['NA', 'EMEA', 'APAC', 'LATAM'] as const;
export type Region = (typeof REGIONS)[number];

export const BUYING_ROLES = ['ECONOMIC_BUYER', 'DECISION_MAKER', 'CHAMPION', 'INFLUENCER', 'USER', 'GATEKEEPER'] as const;
export type BuyingRole = (typeof BUYING_ROLES)[number];

export const REQUIRED_FIELD_NAMES = ['source', 'industry', 'companySize', 'country', 'contentConsumed', 'intentScore'] as const;
export type RequiredField = (typeof REQUIRED_FIELD_NAMES)[number];

/**
 * EVENT: any one event of the types. REPEATED: `count` events within `withinDays`.
 * RETURN_VISIT: an event after the last direct outreach. CONTENT_WITH_FIT: an event, only when the lead fits the ICP.
 */
export const TRIGGER_KINDS = ['EVENT', 'REPEATED', 'RETURN_VISIT', 'CONTENT_WITH_FIT'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const BANT_ELEMENTS = ['BUDGET', 'AUTHORITY', 'NEED', 'TIMELINE'] as const;
export type BantElement = (typeof BANT_ELEMENTS)[number];

export const STANDARD_FIRST_TOUCH_RULES = ['END_OF_BUSINESS_DAY'] as const;
export type StandardFirstTouchRule = (typeof STANDARD_FIRST_TOUCH_RULES)[number];

/** Employee-count band; `max` absent = open-ended ('5001+'). */
export interface SizeBand {
  id: string;
  min: number;
  max?: number;
}

export interface IcpDefinition {
  sizeBands: SizeBand[];
  targetSizeBands: string[];
  industries: string[];
  /** Empty = every region fits. */
  regions: Region[];
  /** Case-insensitive whole-word keywords that make a title senior. */
  seniorTitleKeywords: string[];
  /** Buying roles that count like a senior title. */
  buyerRoles: BuyingRole[];
  points: { seniorTitle: number; industry: number; sizeBand: number };
  /** Fit = at least this many points AND a target region. */
  minFitPoints: number;
}

export interface HandoffTrigger {
  id: string;
  kind: TriggerKind;
  description: string;
  eventTypes: EngagementType[];
  /** REPEATED only. */
  count?: number;
  /** REPEATED only: the rolling window (inclusive) the `count` events must fall in. */
  withinDays?: number;
  /** Only an event at most this old at evaluation time can fire the trigger. */
  lookbackDays: number;
  /** Makes the MQL hot (2-business-hour first touch). */
  highIntent: boolean;
  /** Makes the MQL an inbound demo request (15-minute first touch). */
  demoRequest: boolean;
}

export interface IntentScoring {
  weights: Partial<Record<EngagementType, number>>;
  /** Most points a type may contribute in total (after decay). */
  caps: Partial<Record<EngagementType, number>>;
  halfLifeDays: number;
  /** Score >= threshold (with fit) = MQL. */
  mqlThreshold: number;
  /** Score strictly above this = hot. */
  hotScoreAbove: number;
}

export interface SlaTerms {
  acceptBusinessMinutes: number;
  /** Policy after a missed accept clock: route the lead to another rep (the breach stays recorded). */
  reassignOnAcceptBreach: boolean;
  hotFirstTouchBusinessMinutes: number;
  demoFirstTouchBusinessMinutes: number;
  standardFirstTouch: StandardFirstTouchRule;
  /** Wall-clock minutes from a touch to its logged outcome. */
  touchLoggingMinutes: number;
}

export interface CadenceStep {
  day: number;
  channel: TouchChannel;
}

export interface CadencePlan {
  steps: CadenceStep[];
  minTouches: number;
  windowDays: number;
}

export interface RejectionCodeDefinition {
  code: RejectionCode;
  label: string;
  noteRequired: boolean;
}

export interface DisqualificationReasonDefinition {
  code: DisqualificationReason;
  label: string;
  /** Only allowed once the follow-up cadence is complete. */
  requiresCadence: boolean;
  noteRequired: boolean;
}

export type RecyclePolicy =
  | { reason: RecycleReason; action: 'NURTURE'; reengageDays: number; repDateRequired: boolean }
  | { reason: RecycleReason; action: 'DATA_REPAIR' }
  | { reason: RecycleReason; action: 'CLOSE' };

export interface BantRule {
  minConfirmed: number;
}

/** The handoff contract both teams signed: the content of one stage definition version. */
export interface StageDefinitionContent {
  icp: IcpDefinition;
  triggers: HandoffTrigger[];
  scoring: IntentScoring;
  requiredFields: RequiredField[];
  sla: SlaTerms;
  cadence: CadencePlan;
  rejectionCodes: RejectionCodeDefinition[];
  disqualificationReasons: DisqualificationReasonDefinition[];
  recycle: RecyclePolicy[];
  bant: BantRule;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const MID_FUNNEL: EngagementType[] = ['PRODUCT_VIDEO_VIEW', 'COMPARISON_GUIDE_DOWNLOAD', 'CASE_STUDY_VIEW'];

/** Version 1, as agreed in the brief (section 2). Frozen: copy it to derive a new version. */
export const DEFAULT_STAGE_DEFINITION_V1: StageDefinitionContent = deepFreeze<StageDefinitionContent>({
  icp: {
    sizeBands: [
      { id: '1-10', min: 1, max: 10 },
      { id: '11-50', min: 11, max: 50 },
      { id: '51-200', min: 51, max: 200 },
      { id: '201-1000', min: 201, max: 1000 },
      { id: '1001-5000', min: 1001, max: 5000 },
      { id: '5001+', min: 5001 },
    ],
    targetSizeBands: ['51-200', '201-1000', '1001-5000'],
    industries: ['SaaS', 'FinTech', 'Healthcare'],
    regions: ['NA', 'EMEA'],
    seniorTitleKeywords: [
      'chief', 'ceo', 'cfo', 'cmo', 'cro', 'cto', 'coo', 'cio', 'founder', 'co-founder', 'owner', 'president',
      'vp', 'svp', 'evp', 'vice president', 'head', 'director', 'partner',
    ],
    buyerRoles: ['ECONOMIC_BUYER', 'DECISION_MAKER', 'CHAMPION'],
    points: { seniorTitle: 20, industry: 15, sizeBand: 15 },
    // Two of the three signals (e.g. target industry + target size band) make a fit.
    minFitPoints: 30,
  },
  triggers: [
    { id: 'DEMO_REQUEST', kind: 'EVENT', description: 'demo requested', eventTypes: ['DEMO_REQUEST'], lookbackDays: 30, highIntent: true, demoRequest: true },
    { id: 'CONTACT_SALES', kind: 'EVENT', description: 'asked to talk to sales', eventTypes: ['CONTACT_SALES'], lookbackDays: 30, highIntent: true, demoRequest: false },
    {
      id: 'PRICING_PAGE_REPEAT', kind: 'REPEATED', description: 'pricing page viewed 3 times within 7 days',
      eventTypes: ['PRICING_PAGE_VIEW'], count: 3, withinDays: 7, lookbackDays: 30, highIntent: false, demoRequest: false,
    },
    {
      id: 'COMPARISON_GUIDE', kind: 'EVENT', description: 'competitor comparison guide downloaded',
      eventTypes: ['COMPARISON_GUIDE_DOWNLOAD'], lookbackDays: 30, highIntent: false, demoRequest: false,
    },
    {
      id: 'RETURN_VISIT_AFTER_OUTREACH', kind: 'RETURN_VISIT', description: 'came back to the site after direct outreach',
      eventTypes: ['SITE_VISIT'], lookbackDays: 30, highIntent: false, demoRequest: false,
    },
    {
      id: 'MID_FUNNEL_WITH_FIT', kind: 'CONTENT_WITH_FIT', description: 'mid-funnel content consumed by an ICP fit',
      eventTypes: MID_FUNNEL, lookbackDays: 30, highIntent: false, demoRequest: false,
    },
  ],
  scoring: {
    weights: {
      DEMO_REQUEST: 30,
      CONTACT_SALES: 30,
      PRICING_PAGE_VIEW: 15,
      COMPARISON_GUIDE_DOWNLOAD: 20,
      PRODUCT_VIDEO_VIEW: 10,
      CASE_STUDY_VIEW: 10,
      WEBINAR_ATTENDED: 5,
      BLOG_CLICK: 2,
      EMAIL_OPEN: 1,
    },
    caps: { EMAIL_OPEN: 3, BLOG_CLICK: 6 },
    halfLifeDays: 30,
    mqlThreshold: 85,
    hotScoreAbove: 85,
  },
  requiredFields: ['source', 'industry', 'companySize', 'country', 'contentConsumed', 'intentScore'],
  sla: {
    acceptBusinessMinutes: 240,
    reassignOnAcceptBreach: true,
    hotFirstTouchBusinessMinutes: 120,
    demoFirstTouchBusinessMinutes: 15,
    standardFirstTouch: 'END_OF_BUSINESS_DAY',
    touchLoggingMinutes: 24 * 60,
  },
  cadence: {
    steps: [
      { day: 1, channel: 'CALL' },
      { day: 1, channel: 'EMAIL' },
      { day: 2, channel: 'LINKEDIN' },
      { day: 4, channel: 'CALL' },
      { day: 6, channel: 'EMAIL' },
      { day: 8, channel: 'CALL' },
      { day: 11, channel: 'LINKEDIN' },
      { day: 14, channel: 'EMAIL' },
    ],
    minTouches: 8,
    windowDays: 14,
  },
  rejectionCodes: [
    { code: 'NOT_ICP', label: 'Not in the ideal customer profile', noteRequired: true },
    { code: 'NO_ACTIVE_PRIORITY', label: 'No active priority or project', noteRequired: false },
    { code: 'WRONG_CONTACT', label: 'Wrong contact at the account', noteRequired: true },
    { code: 'DUPLICATE_ACCOUNT', label: 'Duplicate of an existing lead or account', noteRequired: false },
    { code: 'BAD_TIMING', label: 'Bad timing', noteRequired: false },
    { code: 'ALREADY_IN_SEQUENCE', label: 'Already in an active sales sequence', noteRequired: false },
  ],
  disqualificationReasons: [
    { code: 'UNRESPONSIVE', label: 'Unresponsive after the full cadence', requiresCadence: true, noteRequired: false },
    { code: 'NO_BUDGET', label: 'No budget', requiresCadence: false, noteRequired: false },
    { code: 'WRONG_CONTACT', label: 'Wrong contact', requiresCadence: false, noteRequired: true },
    { code: 'NOT_ICP', label: 'Not in the ideal customer profile', requiresCadence: false, noteRequired: true },
    { code: 'BAD_TIMING', label: 'Bad timing', requiresCadence: false, noteRequired: false },
    { code: 'OPTED_OUT', label: 'Opted out of contact', requiresCadence: false, noteRequired: false },
    { code: 'LOST_TO_COMPETITOR', label: 'Lost to a competitor', requiresCadence: false, noteRequired: true },
  ],
  recycle: [
    { reason: 'UNRESPONSIVE', action: 'NURTURE', reengageDays: 90, repDateRequired: false },
    { reason: 'NO_BUDGET', action: 'NURTURE', reengageDays: 90, repDateRequired: false },
    { reason: 'NO_ACTIVE_PRIORITY', action: 'NURTURE', reengageDays: 90, repDateRequired: false },
    { reason: 'BAD_TIMING', action: 'NURTURE', reengageDays: 90, repDateRequired: true },
    // Beyond the brief: a lost deal is worth another try at renewal time.
    { reason: 'LOST_TO_COMPETITOR', action: 'NURTURE', reengageDays: 90, repDateRequired: false },
    { reason: 'WRONG_CONTACT', action: 'DATA_REPAIR' },
    { reason: 'NOT_ICP', action: 'CLOSE' },
    { reason: 'DUPLICATE_ACCOUNT', action: 'CLOSE' },
    // Beyond the brief: someone in sales already works it; an opted-out contact may not be nurtured.
    { reason: 'ALREADY_IN_SEQUENCE', action: 'CLOSE' },
    { reason: 'OPTED_OUT', action: 'CLOSE' },
  ],
  bant: { minConfirmed: 3 },
});

// ---------------------------------------------------------------------------------------------
// Validation: every rule a proposed version breaks, with the field path that breaks it.

const has = <T extends string>(list: readonly T[], value: unknown): value is T => list.includes(value as T);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPositiveInteger = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

class Violations {
  readonly list: FieldViolation[] = [];
  add(field: string, rule: string, message: string): void {
    this.list.push({ field, rule, message });
  }
  range(field: string, value: unknown, min: number, max: number): void {
    if (!isFiniteNumber(value) || value < min || value > max) {
      this.add(field, 'RANGE', `must be a number between ${min} and ${max}, got ${String(value)}`);
    }
  }
  positive(field: string, value: unknown, max = Infinity): void {
    if (!isFiniteNumber(value) || value <= 0) this.add(field, 'POSITIVE', `must be a number > 0, got ${String(value)}`);
    else if (value > max) this.add(field, 'RANGE', `must be at most ${max}, got ${String(value)}`);
  }
  list_<T>(field: string, value: unknown): T[] {
    if (!Array.isArray(value)) {
      this.add(field, 'LIST', 'must be a list');
      return [];
    }
    return value as T[];
  }
  unique(field: string, values: unknown[]): void {
    const seen = new Set<unknown>();
    values.forEach((v, i) => {
      if (seen.has(v)) this.add(`${field}[${i}]`, 'UNIQUE', `'${String(v)}' appears more than once`);
      seen.add(v);
    });
  }
}

const MAX_POINTS = 1000;

function validateIcp(v: Violations, icp: IcpDefinition): void {
  if (!icp || typeof icp !== 'object') return v.add('icp', 'REQUIRED', 'the ICP is required');
  const bands = v.list_<SizeBand>('icp.sizeBands', icp.sizeBands);
  bands.forEach((b, i) => {
    const f = `icp.sizeBands[${i}]`;
    if (typeof b?.id !== 'string' || b.id.trim() === '') v.add(`${f}.id`, 'REQUIRED', 'a band needs an id');
    if (!Number.isInteger(b?.min) || b.min < 0) v.add(`${f}.min`, 'NON_NEGATIVE_INTEGER', 'min must be an integer >= 0');
    if (b?.max !== undefined && (!Number.isInteger(b.max) || b.max < b.min)) v.add(`${f}.max`, 'RANGE', 'max must be an integer >= min');
  });
  v.unique('icp.sizeBands', bands.map((b) => b?.id));
  const sorted = [...bands].filter((b) => Number.isInteger(b?.min)).sort((a, b) => a.min - b.min);
  for (let i = 1; i < sorted.length; i += 1) {
    const prev = sorted[i - 1];
    if (prev.max === undefined || prev.max >= sorted[i].min) {
      v.add('icp.sizeBands', 'NO_OVERLAP', `bands '${prev.id}' and '${sorted[i].id}' overlap`);
    }
  }
  const bandIds = bands.map((b) => b?.id);
  v.list_<string>('icp.targetSizeBands', icp.targetSizeBands).forEach((id, i) => {
    if (!bandIds.includes(id)) v.add(`icp.targetSizeBands[${i}]`, 'KNOWN_SIZE_BAND', `'${id}' is not one of the size bands`);
  });
  const industries = v.list_<string>('icp.industries', icp.industries);
  industries.forEach((ind, i) => {
    if (typeof ind !== 'string' || ind.trim() === '') v.add(`icp.industries[${i}]`, 'REQUIRED', 'an industry must be a non-empty string');
  });
  v.unique('icp.industries', industries.map((s) => (typeof s === 'string' ? s.trim().toLowerCase() : s)));
  const regions = v.list_<string>('icp.regions', icp.regions);
  regions.forEach((r, i) => {
    if (!has(REGIONS, r)) v.add(`icp.regions[${i}]`, 'KNOWN_REGION', `'${r}' is not one of ${REGIONS.join(', ')}`);
  });
  v.unique('icp.regions', regions);
  v.list_<string>('icp.seniorTitleKeywords', icp.seniorTitleKeywords).forEach((k, i) => {
    if (typeof k !== 'string' || k.trim() === '') v.add(`icp.seniorTitleKeywords[${i}]`, 'REQUIRED', 'a keyword must be a non-empty string');
  });
  v.list_<string>('icp.buyerRoles', icp.buyerRoles).forEach((r, i) => {
    if (!has(BUYING_ROLES, r)) v.add(`icp.buyerRoles[${i}]`, 'KNOWN_BUYING_ROLE', `'${r}' is not one of ${BUYING_ROLES.join(', ')}`);
  });
  const points = icp.points ?? ({} as IcpDefinition['points']);
  v.range('icp.points.seniorTitle', points.seniorTitle, 0, 100);
  v.range('icp.points.industry', points.industry, 0, 100);
  v.range('icp.points.sizeBand', points.sizeBand, 0, 100);
  const total = [points.seniorTitle, points.industry, points.sizeBand].filter(isFiniteNumber).reduce((a, b) => a + b, 0);
  v.range('icp.minFitPoints', icp.minFitPoints, 0, total);
}

function validateTriggers(v: Violations, triggers: HandoffTrigger[]): void {
  const list = v.list_<HandoffTrigger>('triggers', triggers);
  list.forEach((t, i) => {
    const f = `triggers[${i}]`;
    if (typeof t?.id !== 'string' || t.id.trim() === '') v.add(`${f}.id`, 'REQUIRED', 'a trigger needs an id');
    if (!has(TRIGGER_KINDS, t?.kind)) v.add(`${f}.kind`, 'KNOWN_TRIGGER_KIND', `'${String(t?.kind)}' is not one of ${TRIGGER_KINDS.join(', ')}`);
    const types = v.list_<string>(`${f}.eventTypes`, t?.eventTypes);
    if (types.length === 0) v.add(`${f}.eventTypes`, 'NOT_EMPTY', 'a trigger needs at least one event type');
    types.forEach((type, j) => {
      if (!has(ENGAGEMENT_TYPES, type)) v.add(`${f}.eventTypes[${j}]`, 'KNOWN_ENGAGEMENT_TYPE', `'${type}' is not an engagement type`);
    });
    v.range(`${f}.lookbackDays`, t?.lookbackDays, 1, 3650);
    if (t?.kind === 'REPEATED') {
      if (!Number.isInteger(t.count) || (t.count as number) < 2) v.add(`${f}.count`, 'RANGE', 'a repeated trigger needs count >= 2');
      v.range(`${f}.withinDays`, t.withinDays, 1, 365);
    }
    if (typeof t?.highIntent !== 'boolean') v.add(`${f}.highIntent`, 'BOOLEAN', 'must be true or false');
    if (typeof t?.demoRequest !== 'boolean') v.add(`${f}.demoRequest`, 'BOOLEAN', 'must be true or false');
  });
  v.unique('triggers', list.map((t) => t?.id));
}

function validateScoring(v: Violations, s: IntentScoring): void {
  if (!s || typeof s !== 'object') return v.add('scoring', 'REQUIRED', 'scoring is required');
  for (const [type, w] of Object.entries(s.weights ?? {})) {
    if (!has(ENGAGEMENT_TYPES, type)) v.add(`scoring.weights.${type}`, 'KNOWN_ENGAGEMENT_TYPE', `'${type}' is not an engagement type`);
    v.range(`scoring.weights.${type}`, w, 0, 100);
  }
  for (const [type, cap] of Object.entries(s.caps ?? {})) {
    if (!has(ENGAGEMENT_TYPES, type)) v.add(`scoring.caps.${type}`, 'KNOWN_ENGAGEMENT_TYPE', `'${type}' is not an engagement type`);
    v.positive(`scoring.caps.${type}`, cap);
  }
  v.range('scoring.halfLifeDays', s.halfLifeDays, 1, 3650);
  v.range('scoring.mqlThreshold', s.mqlThreshold, 1, MAX_POINTS);
  v.range('scoring.hotScoreAbove', s.hotScoreAbove, 0, MAX_POINTS);
}

/** An SLA longer than a year of minutes is no SLA (and overflows the clocks' timers). */
export const MAX_SLA_MINUTES = 525_600;

function validateSla(v: Violations, sla: SlaTerms): void {
  if (!sla || typeof sla !== 'object') return v.add('sla', 'REQUIRED', 'SLA terms are required');
  v.positive('sla.acceptBusinessMinutes', sla.acceptBusinessMinutes, MAX_SLA_MINUTES);
  v.positive('sla.hotFirstTouchBusinessMinutes', sla.hotFirstTouchBusinessMinutes, MAX_SLA_MINUTES);
  v.positive('sla.demoFirstTouchBusinessMinutes', sla.demoFirstTouchBusinessMinutes, MAX_SLA_MINUTES);
  v.positive('sla.touchLoggingMinutes', sla.touchLoggingMinutes, MAX_SLA_MINUTES);
  if (!has(STANDARD_FIRST_TOUCH_RULES, sla.standardFirstTouch)) {
    v.add('sla.standardFirstTouch', 'KNOWN_RULE', `must be one of ${STANDARD_FIRST_TOUCH_RULES.join(', ')}`);
  }
}

function validateCadence(v: Violations, c: CadencePlan): void {
  if (!c || typeof c !== 'object') return v.add('cadence', 'REQUIRED', 'a cadence is required');
  if (!isPositiveInteger(c.windowDays)) v.add('cadence.windowDays', 'POSITIVE_INTEGER', 'must be an integer > 0');
  if (!isPositiveInteger(c.minTouches)) v.add('cadence.minTouches', 'POSITIVE_INTEGER', 'must be an integer > 0');
  const steps = v.list_<CadenceStep>('cadence.steps', c.steps);
  steps.forEach((s, i) => {
    const max = isPositiveInteger(c.windowDays) ? c.windowDays : Infinity;
    if (!Number.isInteger(s?.day) || s.day < 1 || s.day > max) {
      v.add(`cadence.steps[${i}].day`, 'WITHIN_WINDOW', `day must be an integer from 1 to windowDays (${c.windowDays}), got ${String(s?.day)}`);
    }
    if (!has(TOUCH_CHANNELS, s?.channel)) v.add(`cadence.steps[${i}].channel`, 'KNOWN_CHANNEL', `must be one of ${TOUCH_CHANNELS.join(', ')}`);
    if (i > 0 && Number.isInteger(s?.day) && s.day < steps[i - 1]?.day) v.add(`cadence.steps[${i}].day`, 'ORDERED', 'steps must be ordered by day');
  });
  if (isPositiveInteger(c.minTouches) && steps.length < c.minTouches) {
    v.add('cadence.steps', 'AT_LEAST_MIN_TOUCHES', `the plan has ${steps.length} touches but minTouches is ${c.minTouches}`);
  }
}

function validateCodes(v: Violations, content: StageDefinitionContent): void {
  const rejections = v.list_<RejectionCodeDefinition>('rejectionCodes', content.rejectionCodes);
  rejections.forEach((r, i) => {
    if (!has(REJECTION_CODES, r?.code)) v.add(`rejectionCodes[${i}].code`, 'KNOWN_REJECTION_CODE', `'${String(r?.code)}' is not one of ${REJECTION_CODES.join(', ')}`);
    if (typeof r?.noteRequired !== 'boolean') v.add(`rejectionCodes[${i}].noteRequired`, 'BOOLEAN', 'must be true or false');
  });
  v.unique('rejectionCodes', rejections.map((r) => r?.code));
  const reasons = v.list_<DisqualificationReasonDefinition>('disqualificationReasons', content.disqualificationReasons);
  reasons.forEach((r, i) => {
    if (!has(DISQUALIFICATION_REASONS, r?.code)) {
      v.add(`disqualificationReasons[${i}].code`, 'KNOWN_DISQUALIFICATION_REASON', `'${String(r?.code)}' is not one of ${DISQUALIFICATION_REASONS.join(', ')}`);
    }
    if (typeof r?.requiresCadence !== 'boolean') v.add(`disqualificationReasons[${i}].requiresCadence`, 'BOOLEAN', 'must be true or false');
    if (typeof r?.noteRequired !== 'boolean') v.add(`disqualificationReasons[${i}].noteRequired`, 'BOOLEAN', 'must be true or false');
  });
  v.unique('disqualificationReasons', reasons.map((r) => r?.code));

  const used = new Set<string>([...rejections.map((r) => r?.code), ...reasons.map((r) => r?.code)]);
  const policies = v.list_<RecyclePolicy>('recycle', content.recycle);
  policies.forEach((p, i) => {
    const f = `recycle[${i}]`;
    if (!used.has(p?.reason)) v.add(`${f}.reason`, 'KNOWN_REASON', `'${String(p?.reason)}' is neither a rejection code nor a disqualification reason of this definition`);
    if (!has(RECYCLE_ACTIONS, p?.action)) v.add(`${f}.action`, 'KNOWN_RECYCLE_ACTION', `must be one of ${RECYCLE_ACTIONS.join(', ')}`);
    if (p?.action === 'NURTURE') {
      v.range(`${f}.reengageDays`, p.reengageDays, 1, 3650);
      if (typeof p.repDateRequired !== 'boolean') v.add(`${f}.repDateRequired`, 'BOOLEAN', 'must be true or false');
    }
  });
  v.unique('recycle', policies.map((p) => p?.reason));
  const covered = new Set(policies.map((p) => p?.reason));
  for (const code of used) {
    if (typeof code === 'string' && !covered.has(code as RecycleReason)) {
      v.add('recycle', 'POLICY_FOR_EVERY_REASON', `'${code}' has no recycle policy`);
    }
  }
}

/** Every rule a stage definition's content breaks; empty = it can be proposed. */
export function validateStageDefinition(content: StageDefinitionContent): FieldViolation[] {
  const v = new Violations();
  if (!content || typeof content !== 'object') {
    v.add('content', 'REQUIRED', 'a stage definition is required');
    return v.list;
  }
  validateIcp(v, content.icp);
  validateTriggers(v, content.triggers);
  validateScoring(v, content.scoring);
  const required = v.list_<string>('requiredFields', content.requiredFields);
  required.forEach((f, i) => {
    if (!has(REQUIRED_FIELD_NAMES, f)) v.add(`requiredFields[${i}]`, 'KNOWN_FIELD', `'${f}' is not one of ${REQUIRED_FIELD_NAMES.join(', ')}`);
  });
  v.unique('requiredFields', required);
  validateSla(v, content.sla);
  validateCadence(v, content.cadence);
  validateCodes(v, content);
  if (!content.bant || !Number.isInteger(content.bant.minConfirmed) || content.bant.minConfirmed < 1 || content.bant.minConfirmed > BANT_ELEMENTS.length) {
    v.add('bant.minConfirmed', 'RANGE', `must be an integer from 1 to ${BANT_ELEMENTS.length}`);
  }
  return v.list;
}

/** Stages in which marketing nurtures the lead: any engagement event may change its handoff evaluation. */
export const NURTURE_STAGES = ['FIRST_TOUCH', 'ENGAGED', 'INCOMPLETE', 'RECYCLED'] as const satisfies readonly LeadStage[];

/** Events a lead must react to in every open stage: the person opted out, the address bounced, the person replied. */
export const ACTIONABLE_ENGAGEMENT_TYPES = ['UNSUBSCRIBE', 'EMAIL_BOUNCE', 'EMAIL_REPLY'] as const satisfies readonly EngagementType[];

/**
 * Whether an engagement event must be delivered to the lead's workflow now. In nurture every
 * event may hand the lead off; outside it only opt-outs, bounces and replies change anything,
 * so the rest are stored (they count in KPIs and in the next nurture evaluation) without
 * waking the workflow. A closed lead's lifecycle has ended: nothing wakes it.
 */
export function engagementWakesLead(stage: string, type: string): boolean {
  if ((CLOSED_LEAD_STAGES as readonly string[]).includes(stage)) return false;
  return (NURTURE_STAGES as readonly string[]).includes(stage) || (ACTIONABLE_ENGAGEMENT_TYPES as readonly string[]).includes(type);
}

/** The stages one cycle of a lead goes through, in order, up to the open opportunity. */
const CYCLE_PATH = ['FIRST_TOUCH', 'ENGAGED', 'INCOMPLETE', 'MQL', 'SAL', 'SQL', 'OPPORTUNITY'] as const satisfies readonly LeadStage[];

/** Whether `stage` comes before `later` on a lead's way through one cycle (both on the way; a side path is neither). */
export function stageBefore(stage: string, later: string): boolean {
  const a = (CYCLE_PATH as readonly string[]).indexOf(stage);
  const b = (CYCLE_PATH as readonly string[]).indexOf(later);
  return a >= 0 && b >= 0 && a < b;
}
