/**
 * The 6-week alignment sprint (domain brief §7): the plan (phases, milestones, owners,
 * sign-offs), its schedule in the organisation's time zone, the input rules, the gates the
 * sprint workflow applies in its update validators, and the red/amber/green status.
 *
 * Everything here is pure and deterministic (it runs inside Temporal workflows): instants
 * come in and go out as ISO-8601 strings (or Dates), `now` is always an argument.
 *
 * Sprint days are numbered 1..42; day 1 is the start date. A day runs from local midnight to
 * the next local midnight in the sprint's time zone, so "due on day d" means "due at the
 * local midnight that opens day d + 1".
 */
import { DomainRuleError, FieldViolation, isUuid, violation } from '../field-violation';
import { localDateRangeViolation } from '../input-rules';
import { KPI_KEYS } from '../kpi/catalog';
import { addLocalDays, isLocalDate, isValidTimeZone, LocalDate, localDaysBetween, parseInstant, zonedTimeToInstant } from '../time-zone';

export const SPRINT_PHASES = ['FOUNDATION', 'SYSTEMS', 'MONITOR'] as const;
export type SprintPhase = (typeof SPRINT_PHASES)[number];

export const SPRINT_ROLES = ['SPONSOR', 'SALES_LEADER', 'MARKETING_LEADER', 'REVOPS_OWNER'] as const;
export type SprintRole = (typeof SPRINT_ROLES)[number];

export const MILESTONE_CODES = ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7'] as const;
export type MilestoneCode = (typeof MILESTONE_CODES)[number];

/** What, besides its sign-offs, completes a milestone (checked by the workflow). */
export const MILESTONE_COMPLETIONS = ['CONFIRMATION', 'STAGE_DEFINITION_APPROVED', 'ROUTING_DRY_RUN', 'TARGETS_SET', 'SIGN_OFFS', 'OUTCOME_REVIEW'] as const;
export type MilestoneCompletion = (typeof MILESTONE_COMPLETIONS)[number];

/** The four named people of a sprint (user ids). */
export interface SprintPeople {
  sponsorId: string;
  salesLeaderId: string;
  marketingLeaderId: string;
  revopsOwnerId: string;
}

/** Which field of SprintPeople names the person of each role. */
export const SPRINT_ROLE_PERSON: Readonly<Record<SprintRole, keyof SprintPeople>> = Object.freeze({
  SPONSOR: 'sponsorId',
  SALES_LEADER: 'salesLeaderId',
  MARKETING_LEADER: 'marketingLeaderId',
  REVOPS_OWNER: 'revopsOwnerId',
});

export interface MilestonePlan {
  code: MilestoneCode;
  phase: SprintPhase;
  title: string;
  description: string;
  /** 1..42: the sprint day whose END is the deadline. */
  dueDay: number;
  ownerRole: SprintRole;
  requiredSignOffs: readonly SprintRole[];
  completion: MilestoneCompletion;
}

/** The length of the sprint in days. */
export const SPRINT_DAYS = 42;

/** The days of each phase (inclusive). */
export const PHASE_DAYS: Readonly<Record<SprintPhase, { firstDay: number; lastDay: number }>> = Object.freeze({
  FOUNDATION: Object.freeze({ firstDay: 1, lastDay: 14 }),
  SYSTEMS: Object.freeze({ firstDay: 15, lastDay: 28 }),
  MONITOR: Object.freeze({ firstDay: 29, lastDay: 42 }),
});

/** Check-ins of the monitor phase: at least `perWeek` reviews of kind CHECK_IN in each of `weeks`. */
export const CHECK_IN_RULE = Object.freeze({ phase: 'MONITOR' as const, perWeek: 2, weeks: Object.freeze([5, 6] as const) });
export type CheckInWeek = (typeof CHECK_IN_RULE.weeks)[number];

/** The review kind that counts as a check-in. */
export const CHECK_IN_REVIEW_KIND = 'CHECK_IN';

const LEADERS: readonly SprintRole[] = Object.freeze(['SALES_LEADER', 'MARKETING_LEADER'] as SprintRole[]);

const frozen = (plan: MilestonePlan): MilestonePlan => Object.freeze({ ...plan, requiredSignOffs: Object.freeze([...plan.requiredSignOffs]) });

/** The seven milestones of the brief, in order. */
export const SPRINT_PLAN: readonly MilestonePlan[] = Object.freeze([
  frozen({
    code: 'M1',
    phase: 'FOUNDATION',
    title: 'Baseline audit',
    description:
      'A KPI snapshot of the last 90 days (MQL to SQL conversion, lead response time, sales cycle length, data completeness) is taken automatically; the RevOps owner confirms it.',
    dueDay: 5,
    ownerRole: 'REVOPS_OWNER',
    requiredSignOffs: ['REVOPS_OWNER'],
    completion: 'CONFIRMATION',
  }),
  frozen({
    code: 'M2',
    phase: 'FOUNDATION',
    title: 'Lead stage definitions',
    description:
      'A stage definition version linked to the sprint, signed off in writing by the sales and marketing leaders and approved by the executives.',
    dueDay: 10,
    ownerRole: 'REVOPS_OWNER',
    requiredSignOffs: LEADERS,
    completion: 'STAGE_DEFINITION_APPROVED',
  }),
  frozen({
    code: 'M3',
    phase: 'FOUNDATION',
    title: 'SLA codified',
    description: 'The SLAs are part of the same approved stage definition version, signed off by the sales and marketing leaders.',
    dueDay: 14,
    ownerRole: 'REVOPS_OWNER',
    requiredSignOffs: LEADERS,
    completion: 'STAGE_DEFINITION_APPROVED',
  }),
  frozen({
    code: 'M4',
    phase: 'SYSTEMS',
    title: 'Routing implemented',
    description: 'Routing rules configured and a routing dry-run in which every sample lead reaches an eligible rep.',
    dueDay: 19,
    ownerRole: 'REVOPS_OWNER',
    requiredSignOffs: [],
    completion: 'ROUTING_DRY_RUN',
  }),
  frozen({
    code: 'M5',
    phase: 'SYSTEMS',
    title: 'Shared dashboard live',
    description: 'The shared KPI dashboard is live with targets set.',
    dueDay: 24,
    ownerRole: 'REVOPS_OWNER',
    requiredSignOffs: [],
    completion: 'TARGETS_SET',
  }),
  frozen({
    code: 'M6',
    phase: 'SYSTEMS',
    title: 'Team training',
    description: 'Sales and marketing teams trained on the new definitions, SLAs and routing; signed off by both leaders.',
    dueDay: 28,
    ownerRole: 'SALES_LEADER',
    requiredSignOffs: LEADERS,
    completion: 'SIGN_OFFS',
  }),
  frozen({
    code: 'M7',
    phase: 'MONITOR',
    title: 'Outcome review',
    description: 'KPIs against the baseline, the target KPI change against the target, and the Revenue Growth Blueprint.',
    dueDay: 42,
    ownerRole: 'SPONSOR',
    requiredSignOffs: ['SPONSOR'],
    completion: 'OUTCOME_REVIEW',
  }),
]);

const PLAN_BY_CODE: ReadonlyMap<string, MilestonePlan> = new Map(SPRINT_PLAN.map((p) => [p.code, p]));

export function isMilestoneCode(value: unknown): value is MilestoneCode {
  return typeof value === 'string' && PLAN_BY_CODE.has(value);
}

export function isSprintPhase(value: unknown): value is SprintPhase {
  return typeof value === 'string' && (SPRINT_PHASES as readonly string[]).includes(value);
}

/** The plan of one milestone; throws UNKNOWN_MILESTONE (field `milestone`) for anything else. */
export function milestonePlan(code: MilestoneCode): MilestonePlan {
  const plan = PLAN_BY_CODE.get(code);
  if (!plan) throw new DomainRuleError('UNKNOWN_MILESTONE', `'${String(code)}' is not a milestone`, [unknownMilestone(code)]);
  return plan;
}

/** The milestones of a phase, in order. */
export function milestonesOfPhase(phase: SprintPhase): MilestonePlan[] {
  return SPRINT_PLAN.filter((p) => p.phase === phase);
}

// ---------------------------------------------------------------------------------------
// Schedule
// ---------------------------------------------------------------------------------------

export interface MilestoneSchedule {
  code: MilestoneCode;
  phase: SprintPhase;
  dueDay: number;
  /** The local date of the due day (the last day to complete it). */
  dueDate: LocalDate;
  /** Local midnight opening day dueDay + 1. */
  dueAt: string;
  /** dueAt - 24 h (absolute hours, so across a DST change it is not a local midnight). */
  remindAt: string;
}

export interface PhaseSchedule {
  phase: SprintPhase;
  firstDay: number;
  lastDay: number;
  /** Local dates of the first and the last day of the phase. */
  startDate: LocalDate;
  endDate: LocalDate;
  /** [startsAt, endsAt): local midnight opening the first day, local midnight after the last day. */
  startsAt: string;
  endsAt: string;
}

export interface SprintWeekSchedule {
  week: CheckInWeek;
  startDate: LocalDate;
  endDate: LocalDate;
  /** [startsAt, endsAt) */
  startsAt: string;
  endsAt: string;
}

export interface SprintSchedule {
  startDate: LocalDate;
  timeZone: string;
  /** The local date of day 42. */
  endDate: LocalDate;
  /** Local midnight opening day 1. */
  startsAt: string;
  /** Local midnight after day 42. */
  endsAt: string;
  phases: Record<SprintPhase, PhaseSchedule>;
  milestones: Record<MilestoneCode, MilestoneSchedule>;
  /** The check-in weeks (5 and 6), in order. */
  checkInWeeks: SprintWeekSchedule[];
}

const HOUR_MS = 3_600_000;

/**
 * The sprint's instants in its time zone. Throws INVALID_SPRINT_INPUT naming `startDate`
 * (LOCAL_DATE) or `timeZone` (IANA_TIME_ZONE).
 */
export function sprintSchedule(startDate: LocalDate, timeZone: string): SprintSchedule {
  const violations: FieldViolation[] = [];
  if (!isLocalDate(startDate)) violations.push(violation('startDate', 'LOCAL_DATE', `'${String(startDate)}' is not a valid YYYY-MM-DD date`));
  if (!isValidTimeZone(timeZone)) violations.push(violation('timeZone', 'IANA_TIME_ZONE', `unknown IANA time zone '${String(timeZone)}'`));
  if (violations.length > 0) throw new DomainRuleError('INVALID_SPRINT_INPUT', 'the sprint schedule input is invalid', violations);

  /** The local date of sprint day `day` (1-based). */
  const dateOfDay = (day: number): LocalDate => addLocalDays(startDate, day - 1);
  /** Local midnight opening sprint day `day`. */
  const opening = (day: number): Date => zonedTimeToInstant(dateOfDay(day), 0, timeZone);

  const phases = {} as Record<SprintPhase, PhaseSchedule>;
  for (const phase of SPRINT_PHASES) {
    const { firstDay, lastDay } = PHASE_DAYS[phase];
    phases[phase] = {
      phase,
      firstDay,
      lastDay,
      startDate: dateOfDay(firstDay),
      endDate: dateOfDay(lastDay),
      startsAt: opening(firstDay).toISOString(),
      endsAt: opening(lastDay + 1).toISOString(),
    };
  }

  const milestones = {} as Record<MilestoneCode, MilestoneSchedule>;
  for (const p of SPRINT_PLAN) {
    const dueAt = opening(p.dueDay + 1);
    milestones[p.code] = {
      code: p.code,
      phase: p.phase,
      dueDay: p.dueDay,
      dueDate: dateOfDay(p.dueDay),
      dueAt: dueAt.toISOString(),
      remindAt: new Date(dueAt.getTime() - 24 * HOUR_MS).toISOString(),
    };
  }

  const checkInWeeks = CHECK_IN_RULE.weeks.map((week) => {
    const firstDay = (week - 1) * 7 + 1;
    const lastDay = week * 7;
    return {
      week,
      startDate: dateOfDay(firstDay),
      endDate: dateOfDay(lastDay),
      startsAt: opening(firstDay).toISOString(),
      endsAt: opening(lastDay + 1).toISOString(),
    };
  });

  return {
    startDate,
    timeZone,
    endDate: dateOfDay(SPRINT_DAYS),
    startsAt: opening(1).toISOString(),
    endsAt: opening(SPRINT_DAYS + 1).toISOString(),
    phases,
    milestones,
    checkInWeeks,
  };
}

// ---------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------

export interface SprintInput {
  name: string;
  startDate: LocalDate;
  timeZone: string;
  people: Partial<SprintPeople>;
  target: { kpi: string; changePct: number };
}

export const SPRINT_NAME_MAX_LENGTH = 200;
/** The largest target change a sprint accepts, in percent. */
export const SPRINT_MAX_TARGET_CHANGE_PCT = 500;
/** How many days before today a sprint may still start (a sprint entered late). */
export const SPRINT_START_GRACE_DAYS = 7;

/**
 * Every rule the input of a new sprint breaks (empty = valid). `today` is the local date in
 * the organisation's reporting time zone; the start may lie up to `graceDays` before it.
 * A name must have 1..200 characters, not all of them blank.
 */
export function validateSprintInput(input: SprintInput, today: LocalDate, graceDays = SPRINT_START_GRACE_DAYS): FieldViolation[] {
  if (!isLocalDate(today)) {
    throw new DomainRuleError('INVALID_ARGUMENT', `today '${String(today)}' is not a valid YYYY-MM-DD date`, [
      violation('today', 'LOCAL_DATE', `'${String(today)}' is not a valid YYYY-MM-DD date`),
    ]);
  }
  const out: FieldViolation[] = [];
  const { name, startDate, timeZone, people, target } = input ?? ({} as Partial<SprintInput>);

  if (typeof name !== 'string' || name.trim().length === 0 || name.length > SPRINT_NAME_MAX_LENGTH) {
    out.push(violation('name', 'LENGTH', `name must have 1 to ${SPRINT_NAME_MAX_LENGTH} characters (not only blanks), got ${typeof name === 'string' ? name.length : String(name)}`));
  }

  if (!isLocalDate(startDate)) {
    out.push(violation('startDate', 'LOCAL_DATE', `'${String(startDate)}' is not a valid YYYY-MM-DD date`));
  } else if (localDateRangeViolation('startDate', startDate)) {
    out.push(localDateRangeViolation('startDate', startDate)!);
  } else if (localDaysBetween(startDate, today) > graceDays) {
    out.push(
      violation('startDate', 'NOT_IN_PAST', `startDate ${startDate} is more than ${graceDays} days before today (${today}); a sprint may start at most ${graceDays} days in the past`),
    );
  }

  if (!isValidTimeZone(timeZone as string)) out.push(violation('timeZone', 'IANA_TIME_ZONE', `unknown IANA time zone '${String(timeZone)}'`));

  const p: Partial<SprintPeople> = people ?? {};
  for (const role of SPRINT_ROLES) {
    const key = SPRINT_ROLE_PERSON[role];
    const value: unknown = p[key];
    if (value === undefined || value === null || value === '') out.push(violation(`people.${key}`, 'REQUIRED', `${key} (the ${roleLabel(role)}) is required`));
    else if (!isUuid(value)) out.push(violation(`people.${key}`, 'UUID', `${key} must be a UUID, got '${String(value)}'`));
  }
  if (isUuid(p.salesLeaderId) && isUuid(p.marketingLeaderId) && p.salesLeaderId.toLowerCase() === p.marketingLeaderId.toLowerCase()) {
    out.push(violation('people.marketingLeaderId', 'DISTINCT_LEADERS', 'the sales leader and the marketing leader must be two different people'));
  }

  if (!(KPI_KEYS as readonly string[]).includes(target?.kpi)) {
    out.push(violation('target.kpi', 'KNOWN_KPI', `'${String(target?.kpi)}' is not one of ${KPI_KEYS.join(', ')}`));
  }
  const pct = target?.changePct;
  if (typeof pct !== 'number' || !Number.isFinite(pct) || pct <= 0 || pct > SPRINT_MAX_TARGET_CHANGE_PCT) {
    out.push(violation('target.changePct', 'RANGE', `changePct must be a number in (0, ${SPRINT_MAX_TARGET_CHANGE_PCT}] (percent), got ${String(pct)}`));
  }
  return out;
}

const ROLE_LABELS: Readonly<Record<SprintRole, string>> = { SPONSOR: 'executive sponsor', SALES_LEADER: 'sales leader', MARKETING_LEADER: 'marketing leader', REVOPS_OWNER: 'RevOps owner' };

function roleLabel(role: SprintRole): string {
  return ROLE_LABELS[role];
}

// ---------------------------------------------------------------------------------------
// State and gates
// ---------------------------------------------------------------------------------------

export type MilestoneStatus = 'OPEN' | 'COMPLETED';

export interface MilestoneSignOff {
  role: SprintRole;
  userId: string;
  /** ISO instant. */
  at: string;
}

export interface MilestoneState {
  status: MilestoneStatus;
  /** ISO instant. */
  completedAt?: string;
  signOffs: MilestoneSignOff[];
  /** Set by the workflow when the due instant passed while open. */
  late: boolean;
  /** Set by the workflow when the overdue milestone was escalated to the sponsor. */
  escalated: boolean;
}

export interface SprintReviewRecord {
  /** ISO instant the review was held. */
  at: string;
  /** CHECK_IN, OUTCOME, ... */
  kind: string;
}

/** The plain data the sprint workflow holds. */
export interface SprintState {
  people: SprintPeople;
  milestones: Record<MilestoneCode, MilestoneState>;
  phases: Record<SprintPhase, { closedAt?: string }>;
  reviews: SprintReviewRecord[];
  /** ISO instant. */
  finishedAt?: string;
}

/** A new sprint: every milestone open, no phase closed, no review. */
export function initialSprintState(people: SprintPeople): SprintState {
  const milestones = {} as Record<MilestoneCode, MilestoneState>;
  for (const code of MILESTONE_CODES) milestones[code] = { status: 'OPEN', signOffs: [], late: false, escalated: false };
  const phases = {} as Record<SprintPhase, { closedAt?: string }>;
  for (const phase of SPRINT_PHASES) phases[phase] = {};
  return { people: { ...people }, milestones, phases, reviews: [] };
}

/** The roles `userId` holds in the sprint, in SPRINT_ROLES order (one person may hold several). */
export function rolesOf(userId: string, people: SprintPeople): SprintRole[] {
  if (typeof userId !== 'string' || userId.length === 0) return [];
  return SPRINT_ROLES.filter((role) => sameId(people[SPRINT_ROLE_PERSON[role]], userId));
}

function sameId(a: string | undefined, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}

function unknownMilestone(code: unknown): FieldViolation {
  return violation('milestone', 'KNOWN_MILESTONE', `'${String(code)}' is not one of ${MILESTONE_CODES.join(', ')}`);
}

function finished(state: SprintState): FieldViolation | null {
  return state.finishedAt ? violation('sprintId', 'SPRINT_FINISHED', `the sprint finished at ${state.finishedAt}`) : null;
}

/** The required sign-offs of a milestone that are not in yet, in plan order. */
export function missingSignOffs(state: SprintState, code: MilestoneCode): SprintRole[] {
  const signed = new Set(state.milestones[code]?.signOffs.map((s) => s.role) ?? []);
  return milestonePlan(code).requiredSignOffs.filter((r) => !signed.has(r));
}

/**
 * Whether `userId` may sign `code` as `role`. Checked in this order: the sprint is not
 * finished (`sprintId` SPRINT_FINISHED); the milestone exists (`milestone` KNOWN_MILESTONE);
 * the role is one of its required sign-offs (`role` REQUIRED_SIGN_OFF); the user is that
 * role's named person (`role` NAMED_PERSON); the role has not signed yet (`role` ALREADY_SIGNED).
 */
export function checkSignOff(state: SprintState, code: MilestoneCode, userId: string, role: SprintRole): FieldViolation | null {
  const done = finished(state);
  if (done) return done;
  if (!isMilestoneCode(code)) return unknownMilestone(code);
  const plan = milestonePlan(code);
  if (!plan.requiredSignOffs.includes(role)) {
    const needed = plan.requiredSignOffs.length > 0 ? plan.requiredSignOffs.join(', ') : 'no one';
    return violation('role', 'REQUIRED_SIGN_OFF', `${code} needs no sign-off from ${String(role)}; it needs ${needed}`);
  }
  if (!sameId(state.people[SPRINT_ROLE_PERSON[role]], userId)) {
    return violation('role', 'NAMED_PERSON', `only ${role}'s named person may sign`);
  }
  if (state.milestones[code].signOffs.some((s) => s.role === role)) {
    return violation('role', 'ALREADY_SIGNED', `${role} has already signed ${code}`);
  }
  return null;
}

/** True when every required sign-off of the milestone is in (other preconditions are the workflow's). */
export function canCompleteMilestone(state: SprintState, code: MilestoneCode): boolean {
  return missingSignOffs(state, code).length === 0;
}

/**
 * Whether `userId` may complete `code`. Checked in this order: sprint not finished
 * (`sprintId` SPRINT_FINISHED); milestone exists (`milestone` KNOWN_MILESTONE); the user is
 * the owner role's named person (`milestone` OWNER_ONLY); still open (`milestone`
 * ALREADY_COMPLETED); its phase not closed (`milestone` PHASE_CLOSED); every required
 * sign-off in (`milestone` SIGN_OFFS_MISSING, naming the roles).
 * Milestones of a later phase may be completed early; only closing a phase is gated on the
 * earlier ones. The completion's own precondition (approved definition, dry-run, targets,
 * outcome review) is the workflow's to check.
 */
export function checkCompleteMilestone(state: SprintState, code: MilestoneCode, userId: string): FieldViolation | null {
  const done = finished(state);
  if (done) return done;
  if (!isMilestoneCode(code)) return unknownMilestone(code);
  const plan = milestonePlan(code);
  if (!sameId(state.people[SPRINT_ROLE_PERSON[plan.ownerRole]], userId)) {
    return violation('milestone', 'OWNER_ONLY', `only ${plan.ownerRole}'s named person may complete ${code}`);
  }
  const ms = state.milestones[code];
  if (ms.status === 'COMPLETED') return violation('milestone', 'ALREADY_COMPLETED', `${code} was completed at ${ms.completedAt ?? 'an earlier time'}`);
  if (state.phases[plan.phase]?.closedAt) return violation('milestone', 'PHASE_CLOSED', `${code}'s phase ${plan.phase} is closed`);
  const missing = missingSignOffs(state, code);
  if (missing.length > 0) return violation('milestone', 'SIGN_OFFS_MISSING', `${code} still needs the sign-off of ${missing.join(', ')}`);
  return null;
}

export interface CheckInWeekCount {
  week: CheckInWeek;
  startsAt: string;
  endsAt: string;
  /** Reviews of kind CHECK_IN held in [startsAt, endsAt). */
  count: number;
  required: number;
  met: boolean;
}

/** The check-ins of each check-in week (reviews of kind CHECK_IN whose `at` falls in the week). */
export function checkInsByWeek(state: SprintState, schedule: SprintSchedule): CheckInWeekCount[] {
  const times = state.reviews.filter((r) => r.kind === CHECK_IN_REVIEW_KIND).map((r) => Date.parse(r.at)).filter((t) => !Number.isNaN(t));
  return schedule.checkInWeeks.map((w) => {
    const start = Date.parse(w.startsAt);
    const end = Date.parse(w.endsAt);
    const count = times.filter((t) => t >= start && t < end).length;
    return { week: w.week, startsAt: w.startsAt, endsAt: w.endsAt, count, required: CHECK_IN_RULE.perWeek, met: count >= CHECK_IN_RULE.perWeek };
  });
}

/** Milestones of a phase that are not COMPLETED with every required sign-off. */
function unfinishedMilestones(state: SprintState, phase: SprintPhase): MilestoneCode[] {
  return milestonesOfPhase(phase)
    .filter((p) => state.milestones[p.code]?.status !== 'COMPLETED' || missingSignOffs(state, p.code).length > 0)
    .map((p) => p.code);
}

/**
 * Whether `userId` may close `phase`. Checked in this order: sprint not finished (`sprintId`
 * SPRINT_FINISHED); phase exists (`phase` KNOWN_PHASE); the user is the REVOPS_OWNER's or the
 * SPONSOR's named person (`phase` NOT_ALLOWED); not closed already (`phase` ALREADY_CLOSED);
 * every earlier phase closed (`phase` EARLIER_PHASE_OPEN, naming the first open one); every
 * milestone of the phase COMPLETED with all its sign-offs (`phase` MILESTONES_OPEN, listing
 * the codes); for MONITOR, at least 2 check-ins in each of weeks 5 and 6 (`phase`
 * CHECK_INS_MISSING, naming the first short week).
 */
export function checkClosePhase(state: SprintState, phase: SprintPhase, userId: string, schedule: SprintSchedule): FieldViolation | null {
  const done = finished(state);
  if (done) return done;
  if (!isSprintPhase(phase)) return violation('phase', 'KNOWN_PHASE', `'${String(phase)}' is not one of ${SPRINT_PHASES.join(', ')}`);
  const roles = rolesOf(userId, state.people);
  if (!roles.includes('REVOPS_OWNER') && !roles.includes('SPONSOR')) {
    return violation('phase', 'NOT_ALLOWED', "only the RevOps owner's or the sponsor's named person may close a phase");
  }
  const closedAt = state.phases[phase]?.closedAt;
  if (closedAt) return violation('phase', 'ALREADY_CLOSED', `${phase} was closed at ${closedAt}`);
  const earlierOpen = SPRINT_PHASES.slice(0, SPRINT_PHASES.indexOf(phase)).find((p) => !state.phases[p]?.closedAt);
  if (earlierOpen) return violation('phase', 'EARLIER_PHASE_OPEN', `${earlierOpen} must be closed before ${phase}`);
  const open = unfinishedMilestones(state, phase);
  if (open.length > 0) return violation('phase', 'MILESTONES_OPEN', `${open.join(', ')} must be completed with all their sign-offs before ${phase} closes`);
  if (phase === CHECK_IN_RULE.phase) {
    const short = checkInsByWeek(state, schedule).find((w) => !w.met);
    if (short) {
      return violation('phase', 'CHECK_INS_MISSING', `week ${short.week} has ${short.count} check-in(s); at least ${short.required} are required`);
    }
  }
  return null;
}

/**
 * Whether `userId` may record a review held at `at`: the sprint's time must not be past
 * (`at` ISO_INSTANT for an unreadable instant; `sprintId` SPRINT_FINISHED when `at` is after
 * the sprint finished); the user must be one of the four named people (`userId` SPRINT_MEMBER).
 */
export function checkRecordReview(state: SprintState, userId: string, at: string): FieldViolation | null {
  let t: number;
  try {
    t = parseInstant(at, 'at').getTime();
  } catch (e) {
    if (e instanceof DomainRuleError && e.violations.length > 0) return e.violations[0];
    throw e;
  }
  if (state.finishedAt && t > Date.parse(state.finishedAt)) {
    return violation('sprintId', 'SPRINT_FINISHED', `the sprint finished at ${state.finishedAt}; a review held at ${at} cannot be recorded`);
  }
  if (rolesOf(userId, state.people).length === 0) {
    return violation('userId', 'SPRINT_MEMBER', "only the sprint's sponsor, sales leader, marketing leader or RevOps owner may record a review");
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------

export type SprintRag = 'GREEN' | 'AMBER' | 'RED';
/** An ISO-8601 instant string or a Date. */
export type InstantLike = string | Date;

const RAG_ORDER: Readonly<Record<SprintRag, number>> = { GREEN: 0, AMBER: 1, RED: 2 };

function ms(value: InstantLike, field: string): number {
  const t = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) {
    throw new DomainRuleError('INVALID_INSTANT', `${field} must be an ISO-8601 instant`, [violation(field, 'ISO_INSTANT', `'${String(value)}' is not an ISO-8601 instant`)]);
  }
  return t;
}

/**
 * GREEN: completed before dueAt, or open before remindAt.
 * AMBER: open in [remindAt, dueAt), or completed at or after dueAt (late).
 * RED: open at or after dueAt (overdue).
 * A completed milestone without completedAt is judged by its `late` flag.
 */
export function milestoneRag(m: MilestoneState, dueAt: InstantLike, remindAt: InstantLike, now: InstantLike): SprintRag {
  const due = ms(dueAt, 'dueAt');
  if (m.status === 'COMPLETED') {
    const late = m.completedAt ? ms(m.completedAt, 'completedAt') >= due : m.late;
    return late ? 'AMBER' : 'GREEN';
  }
  const t = ms(now, 'now');
  if (t >= due) return 'RED';
  return t >= ms(remindAt, 'remindAt') ? 'AMBER' : 'GREEN';
}

/** The worst of the milestones' RAGs; RED too when a check-in week has ended with fewer than 2 check-ins. */
export function sprintRag(state: SprintState, schedule: SprintSchedule, now: InstantLike): SprintRag {
  return sprintStatus(state, schedule, now).rag;
}

export interface SprintProgress {
  milestonesCompleted: number;
  milestonesTotal: number;
  /** milestonesCompleted / milestonesTotal, 0..1. */
  fraction: number;
  /** Closed phases, in phase order. */
  phasesClosed: SprintPhase[];
  /** The first phase not closed yet; null when all are closed. */
  currentPhase: SprintPhase | null;
}

/** Completed milestones out of 7, and the phases closed. */
export function sprintProgress(state: SprintState): SprintProgress {
  const milestonesCompleted = MILESTONE_CODES.filter((c) => state.milestones[c]?.status === 'COMPLETED').length;
  const phasesClosed = SPRINT_PHASES.filter((p) => !!state.phases[p]?.closedAt);
  return {
    milestonesCompleted,
    milestonesTotal: MILESTONE_CODES.length,
    fraction: milestonesCompleted / MILESTONE_CODES.length,
    phasesClosed,
    currentPhase: SPRINT_PHASES.find((p) => !state.phases[p]?.closedAt) ?? null,
  };
}

export interface SprintStatus {
  rag: SprintRag;
  milestones: Record<MilestoneCode, SprintRag>;
  checkIns: (CheckInWeekCount & { ended: boolean; rag: SprintRag })[];
  progress: SprintProgress;
}

/** Everything the status query shows: per-milestone RAG, check-ins per week, the overall RAG and progress. */
export function sprintStatus(state: SprintState, schedule: SprintSchedule, now: InstantLike): SprintStatus {
  const t = ms(now, 'now');
  const milestones = {} as Record<MilestoneCode, SprintRag>;
  let rag: SprintRag = 'GREEN';
  const worse = (r: SprintRag) => {
    if (RAG_ORDER[r] > RAG_ORDER[rag]) rag = r;
  };
  for (const code of MILESTONE_CODES) {
    const s = schedule.milestones[code];
    milestones[code] = milestoneRag(state.milestones[code], s.dueAt, s.remindAt, now);
    worse(milestones[code]);
  }
  const checkIns = checkInsByWeek(state, schedule).map((w) => {
    const ended = t >= Date.parse(w.endsAt);
    const r: SprintRag = ended && !w.met ? 'RED' : 'GREEN';
    worse(r);
    return { ...w, ended, rag: r };
  });
  return { rag, milestones, checkIns, progress: sprintProgress(state) };
}
