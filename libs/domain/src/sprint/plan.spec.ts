import { DomainRuleError } from '../field-violation';
import {
  canCompleteMilestone,
  CHECK_IN_RULE,
  checkClosePhase,
  checkCompleteMilestone,
  checkInsByWeek,
  checkRecordReview,
  checkSignOff,
  initialSprintState,
  MILESTONE_CODES,
  MilestoneCode,
  milestonePlan,
  milestoneRag,
  MilestoneState,
  SPRINT_PLAN,
  SPRINT_ROLE_PERSON,
  SprintInput,
  SprintPeople,
  sprintProgress,
  sprintRag,
  sprintSchedule,
  SprintState,
  sprintStatus,
  rolesOf,
  validateSprintInput,
} from './plan';

const SPONSOR = '00000000-0000-4000-8000-000000000001';
const SALES = '00000000-0000-4000-8000-000000000002';
const MARKETING = '00000000-0000-4000-8000-000000000003';
const REVOPS = '00000000-0000-4000-8000-000000000004';
const STRANGER = '00000000-0000-4000-8000-000000000099';
const PEOPLE: SprintPeople = { sponsorId: SPONSOR, salesLeaderId: SALES, marketingLeaderId: MARKETING, revopsOwnerId: REVOPS };

const rules = (vs: { field: string; rule: string }[]) => vs.map((v) => `${v.field}:${v.rule}`);
const rule = (v: { field: string; rule: string } | null) => (v === null ? null : `${v.field}:${v.rule}`);

// Monday 2026-03-16 in Berlin; summer time starts Sunday 2026-03-29 (day 14) at 02:00 CET.
const SCHEDULE = sprintSchedule('2026-03-16', 'Europe/Berlin');

/** A state with milestones completed (and signed) as listed, phases closed as listed. */
function stateWith(completed: MilestoneCode[], closed: ('FOUNDATION' | 'SYSTEMS' | 'MONITOR')[] = []): SprintState {
  const s = initialSprintState(PEOPLE);
  for (const code of completed) {
    const plan = milestonePlan(code);
    s.milestones[code] = {
      status: 'COMPLETED',
      completedAt: '2026-03-18T10:00:00.000Z',
      signOffs: plan.requiredSignOffs.map((role) => ({ role, userId: PEOPLE[SPRINT_ROLE_PERSON[role]], at: '2026-03-18T09:00:00.000Z' })),
      late: false,
      escalated: false,
    };
  }
  for (const p of closed) s.phases[p] = { closedAt: '2026-04-20T10:00:00.000Z' };
  return s;
}

describe('the plan', () => {
  it('has the seven milestones of the brief with their phases, due days, owners and sign-offs', () => {
    expect(SPRINT_PLAN.map((p) => [p.code, p.phase, p.dueDay, p.ownerRole, p.requiredSignOffs.join('+'), p.completion])).toEqual([
      ['M1', 'FOUNDATION', 5, 'REVOPS_OWNER', 'REVOPS_OWNER', 'CONFIRMATION'],
      ['M2', 'FOUNDATION', 10, 'REVOPS_OWNER', 'SALES_LEADER+MARKETING_LEADER', 'STAGE_DEFINITION_APPROVED'],
      ['M3', 'FOUNDATION', 14, 'REVOPS_OWNER', 'SALES_LEADER+MARKETING_LEADER', 'STAGE_DEFINITION_APPROVED'],
      ['M4', 'SYSTEMS', 19, 'REVOPS_OWNER', '', 'ROUTING_DRY_RUN'],
      ['M5', 'SYSTEMS', 24, 'REVOPS_OWNER', '', 'TARGETS_SET'],
      ['M6', 'SYSTEMS', 28, 'SALES_LEADER', 'SALES_LEADER+MARKETING_LEADER', 'SIGN_OFFS'],
      ['M7', 'MONITOR', 42, 'SPONSOR', 'SPONSOR', 'OUTCOME_REVIEW'],
    ]);
    expect(CHECK_IN_RULE).toEqual({ phase: 'MONITOR', perWeek: 2, weeks: [5, 6] });
    expect(Object.isFrozen(SPRINT_PLAN[1].requiredSignOffs)).toBe(true);
  });

  it('throws UNKNOWN_MILESTONE for an unknown code', () => {
    expect(() => milestonePlan('M8' as MilestoneCode)).toThrow(DomainRuleError);
  });
});

describe('sprintSchedule', () => {
  it('puts each deadline at the local midnight after its due day, across the spring DST change', () => {
    // CET = UTC+1 until 2026-03-29 02:00, CEST = UTC+2 after.
    expect(SCHEDULE.startsAt).toBe('2026-03-15T23:00:00.000Z');
    expect(SCHEDULE.endsAt).toBe('2026-04-26T22:00:00.000Z'); // 2026-04-27 00:00 CEST
    expect(SCHEDULE.endDate).toBe('2026-04-26');
    const due = Object.fromEntries(MILESTONE_CODES.map((c) => [c, [SCHEDULE.milestones[c].dueDate, SCHEDULE.milestones[c].dueAt, SCHEDULE.milestones[c].remindAt]]));
    expect(due).toEqual({
      M1: ['2026-03-20', '2026-03-20T23:00:00.000Z', '2026-03-19T23:00:00.000Z'], // day 5 = Fri 20 Mar
      M2: ['2026-03-25', '2026-03-25T23:00:00.000Z', '2026-03-24T23:00:00.000Z'],
      // Day 14 = Sun 29 Mar, 23 hours long: 24 h before its end is 23:00 CET on the 28th.
      M3: ['2026-03-29', '2026-03-29T22:00:00.000Z', '2026-03-28T22:00:00.000Z'],
      M4: ['2026-04-03', '2026-04-03T22:00:00.000Z', '2026-04-02T22:00:00.000Z'],
      M5: ['2026-04-08', '2026-04-08T22:00:00.000Z', '2026-04-07T22:00:00.000Z'],
      M6: ['2026-04-12', '2026-04-12T22:00:00.000Z', '2026-04-11T22:00:00.000Z'],
      M7: ['2026-04-26', '2026-04-26T22:00:00.000Z', '2026-04-25T22:00:00.000Z'],
    });
  });

  it('gives each phase its days and half-open bounds', () => {
    expect(SCHEDULE.phases.FOUNDATION).toEqual({
      phase: 'FOUNDATION',
      firstDay: 1,
      lastDay: 14,
      startDate: '2026-03-16',
      endDate: '2026-03-29',
      startsAt: '2026-03-15T23:00:00.000Z',
      endsAt: '2026-03-29T22:00:00.000Z',
    });
    expect(SCHEDULE.phases.SYSTEMS).toMatchObject({ startDate: '2026-03-30', endDate: '2026-04-12', startsAt: '2026-03-29T22:00:00.000Z', endsAt: '2026-04-12T22:00:00.000Z' });
    expect(SCHEDULE.phases.MONITOR).toMatchObject({ startDate: '2026-04-13', endDate: '2026-04-26', startsAt: '2026-04-12T22:00:00.000Z', endsAt: '2026-04-26T22:00:00.000Z' });
  });

  it('gives the check-in weeks 5 and 6', () => {
    expect(SCHEDULE.checkInWeeks).toEqual([
      { week: 5, startDate: '2026-04-13', endDate: '2026-04-19', startsAt: '2026-04-12T22:00:00.000Z', endsAt: '2026-04-19T22:00:00.000Z' },
      { week: 6, startDate: '2026-04-20', endDate: '2026-04-26', startsAt: '2026-04-19T22:00:00.000Z', endsAt: '2026-04-26T22:00:00.000Z' },
    ]);
  });

  it('handles the autumn change: a 25-hour due day', () => {
    // Start Mon 2026-10-12; day 14 = Sun 25 Oct, summer time ends at 03:00 CEST.
    const s = sprintSchedule('2026-10-12', 'Europe/Berlin');
    expect(s.startsAt).toBe('2026-10-11T22:00:00.000Z');
    expect(s.milestones.M2.dueAt).toBe('2026-10-21T22:00:00.000Z');
    expect(s.milestones.M3.dueAt).toBe('2026-10-25T23:00:00.000Z'); // 26 Oct 00:00 CET
    expect(s.milestones.M3.remindAt).toBe('2026-10-24T23:00:00.000Z'); // 25 Oct 01:00 CEST
    expect(s.phases.SYSTEMS.startsAt).toBe('2026-10-25T23:00:00.000Z');
  });

  it('throws naming startDate and timeZone', () => {
    try {
      sprintSchedule('2026-02-30', 'Mars/Olympus');
      throw new Error('expected a DomainRuleError');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainRuleError);
      expect((e as DomainRuleError).code).toBe('INVALID_SPRINT_INPUT');
      expect(rules([...(e as DomainRuleError).violations])).toEqual(['startDate:LOCAL_DATE', 'timeZone:IANA_TIME_ZONE']);
    }
  });
});

describe('validateSprintInput', () => {
  const valid: SprintInput = { name: 'Q2 alignment', startDate: '2026-03-16', timeZone: 'Europe/Berlin', people: PEOPLE, target: { kpi: 'PIPELINE_VELOCITY', changePct: 15 } };
  const TODAY = '2026-03-16';

  it('accepts a valid sprint, a sponsor who is also the RevOps owner, and a start up to 7 days back', () => {
    expect(validateSprintInput(valid, TODAY)).toEqual([]);
    expect(validateSprintInput({ ...valid, people: { ...PEOPLE, revopsOwnerId: SPONSOR } }, TODAY)).toEqual([]);
    expect(validateSprintInput({ ...valid, startDate: '2026-03-09' }, TODAY)).toEqual([]);
    expect(validateSprintInput({ ...valid, name: 'x'.repeat(200), target: { kpi: 'SALES_CYCLE', changePct: 500 } }, TODAY)).toEqual([]);
  });

  it('refuses a start more than the grace before today, naming the grace', () => {
    const [v] = validateSprintInput({ ...valid, startDate: '2026-03-08' }, TODAY);
    expect(rule(v)).toBe('startDate:NOT_IN_PAST');
    expect(v.message).toContain('7 days');
    expect(rules(validateSprintInput({ ...valid, startDate: '2026-03-13' }, TODAY, 2))).toEqual(['startDate:NOT_IN_PAST']);
    expect(validateSprintInput({ ...valid, startDate: '2026-03-13' }, TODAY, 2)[0].message).toContain('2 days');
  });

  it('checks the name, date, time zone and target', () => {
    expect(rules(validateSprintInput({ ...valid, name: '', startDate: '2026-13-01', timeZone: 'Europe/Nowhere', target: { kpi: 'HAPPINESS', changePct: 0 } }, TODAY))).toEqual([
      'name:LENGTH',
      'startDate:LOCAL_DATE',
      'timeZone:IANA_TIME_ZONE',
      'target.kpi:KNOWN_KPI',
      'target.changePct:RANGE',
    ]);
    expect(rules(validateSprintInput({ ...valid, name: '   ' }, TODAY))).toEqual(['name:LENGTH']);
    expect(rules(validateSprintInput({ ...valid, name: 'x'.repeat(201) }, TODAY))).toEqual(['name:LENGTH']);
    expect(rules(validateSprintInput({ ...valid, target: { kpi: 'WIN_RATE', changePct: 500.5 } }, TODAY))).toEqual(['target.changePct:RANGE']);
    expect(rules(validateSprintInput({ ...valid, target: { kpi: 'WIN_RATE', changePct: Number.NaN } }, TODAY))).toEqual(['target.changePct:RANGE']);
    expect(rules(validateSprintInput({ ...valid, target: { kpi: 'WIN_RATE', changePct: -5 } }, TODAY))).toEqual(['target.changePct:RANGE']);
    expect(rules(validateSprintInput({ ...valid, target: undefined as never }, TODAY))).toEqual(['target.kpi:KNOWN_KPI', 'target.changePct:RANGE']);
  });

  it('needs each person as a UUID and two different leaders', () => {
    expect(rules(validateSprintInput({ ...valid, people: { sponsorId: SPONSOR, salesLeaderId: 'bob', marketingLeaderId: '' } }, TODAY))).toEqual([
      'people.salesLeaderId:UUID',
      'people.marketingLeaderId:REQUIRED',
      'people.revopsOwnerId:REQUIRED',
    ]);
    expect(rules(validateSprintInput({ ...valid, people: { ...PEOPLE, marketingLeaderId: SALES.toUpperCase() } }, TODAY))).toEqual(['people.marketingLeaderId:DISTINCT_LEADERS']);
    expect(rules(validateSprintInput({ ...valid, people: undefined as never }, TODAY))).toEqual([
      'people.sponsorId:REQUIRED',
      'people.salesLeaderId:REQUIRED',
      'people.marketingLeaderId:REQUIRED',
      'people.revopsOwnerId:REQUIRED',
    ]);
  });

  it('throws on an invalid today (a caller bug, not user input)', () => {
    expect(() => validateSprintInput(valid, '16/03/2026')).toThrow(DomainRuleError);
  });
});

describe('rolesOf', () => {
  it('lists every role a user holds', () => {
    expect(rolesOf(SALES, PEOPLE)).toEqual(['SALES_LEADER']);
    expect(rolesOf(SPONSOR, { ...PEOPLE, revopsOwnerId: SPONSOR })).toEqual(['SPONSOR', 'REVOPS_OWNER']);
    expect(rolesOf(STRANGER, PEOPLE)).toEqual([]);
    expect(rolesOf('', PEOPLE)).toEqual([]);
  });
});

describe('checkSignOff', () => {
  it('lets the named person of a required role sign once', () => {
    const s = initialSprintState(PEOPLE);
    expect(checkSignOff(s, 'M2', SALES, 'SALES_LEADER')).toBeNull();
    s.milestones.M2.signOffs.push({ role: 'SALES_LEADER', userId: SALES, at: '2026-03-20T10:00:00.000Z' });
    expect(rule(checkSignOff(s, 'M2', SALES, 'SALES_LEADER'))).toBe('role:ALREADY_SIGNED');
    expect(checkSignOff(s, 'M2', MARKETING, 'MARKETING_LEADER')).toBeNull();
  });

  it('refuses a role the milestone does not need, and anyone but the named person', () => {
    const s = initialSprintState(PEOPLE);
    expect(rule(checkSignOff(s, 'M4', REVOPS, 'REVOPS_OWNER'))).toBe('role:REQUIRED_SIGN_OFF');
    expect(rule(checkSignOff(s, 'M2', SPONSOR, 'SPONSOR'))).toBe('role:REQUIRED_SIGN_OFF');
    const v = checkSignOff(s, 'M2', MARKETING, 'SALES_LEADER');
    expect(v).toEqual({ field: 'role', rule: 'NAMED_PERSON', message: "only SALES_LEADER's named person may sign" });
  });

  it('refuses an unknown milestone and a finished sprint', () => {
    const s = initialSprintState(PEOPLE);
    expect(rule(checkSignOff(s, 'M9' as MilestoneCode, SALES, 'SALES_LEADER'))).toBe('milestone:KNOWN_MILESTONE');
    s.finishedAt = '2026-04-27T08:00:00.000Z';
    expect(rule(checkSignOff(s, 'M2', SALES, 'SALES_LEADER'))).toBe('sprintId:SPRINT_FINISHED');
  });
});

describe('checkCompleteMilestone / canCompleteMilestone', () => {
  it('lets the owner complete once every sign-off is in; milestones without sign-offs at once', () => {
    const s = initialSprintState(PEOPLE);
    expect(canCompleteMilestone(s, 'M4')).toBe(true);
    expect(checkCompleteMilestone(s, 'M4', REVOPS)).toBeNull();
    expect(canCompleteMilestone(s, 'M2')).toBe(false);
    const v = checkCompleteMilestone(s, 'M2', REVOPS);
    expect(rule(v)).toBe('milestone:SIGN_OFFS_MISSING');
    expect(v?.message).toContain('SALES_LEADER, MARKETING_LEADER');
    s.milestones.M2.signOffs.push({ role: 'SALES_LEADER', userId: SALES, at: '2026-03-20T10:00:00.000Z' });
    s.milestones.M2.signOffs.push({ role: 'MARKETING_LEADER', userId: MARKETING, at: '2026-03-20T11:00:00.000Z' });
    expect(canCompleteMilestone(s, 'M2')).toBe(true);
    expect(checkCompleteMilestone(s, 'M2', REVOPS)).toBeNull();
  });

  it('allows a later phase to be worked early', () => {
    expect(checkCompleteMilestone(initialSprintState(PEOPLE), 'M5', REVOPS)).toBeNull();
  });

  it('is for the owner only; M6 is the sales leader and M7 the sponsor', () => {
    const s = initialSprintState(PEOPLE);
    expect(rule(checkCompleteMilestone(s, 'M4', SPONSOR))).toBe('milestone:OWNER_ONLY');
    expect(rule(checkCompleteMilestone(s, 'M6', REVOPS))).toBe('milestone:OWNER_ONLY');
    expect(rule(checkCompleteMilestone(s, 'M6', SALES))).toBe('milestone:SIGN_OFFS_MISSING');
    expect(rule(checkCompleteMilestone(s, 'M7', SPONSOR))).toBe('milestone:SIGN_OFFS_MISSING');
  });

  it('refuses a completed milestone, a closed phase and a finished sprint', () => {
    const s = stateWith(['M1', 'M2', 'M3'], ['FOUNDATION']);
    expect(rule(checkCompleteMilestone(s, 'M1', REVOPS))).toBe('milestone:ALREADY_COMPLETED');
    s.milestones.M1 = { status: 'OPEN', signOffs: [], late: false, escalated: false }; // inconsistent on purpose
    expect(rule(checkCompleteMilestone(s, 'M1', REVOPS))).toBe('milestone:PHASE_CLOSED');
    s.finishedAt = '2026-04-27T08:00:00.000Z';
    expect(rule(checkCompleteMilestone(s, 'M4', REVOPS))).toBe('sprintId:SPRINT_FINISHED');
  });
});

describe('checkClosePhase', () => {
  // Week 5: [2026-04-12T22:00Z, 2026-04-19T22:00Z); week 6: [2026-04-19T22:00Z, 2026-04-26T22:00Z).
  const checkIns = (...ats: string[]) => ats.map((at) => ({ at, kind: 'CHECK_IN' }));

  it('closes FOUNDATION for the RevOps owner or the sponsor once M1-M3 are done and signed', () => {
    const s = stateWith(['M1', 'M2', 'M3']);
    expect(checkClosePhase(s, 'FOUNDATION', REVOPS, SCHEDULE)).toBeNull();
    expect(checkClosePhase(s, 'FOUNDATION', SPONSOR, SCHEDULE)).toBeNull();
    expect(rule(checkClosePhase(s, 'FOUNDATION', SALES, SCHEDULE))).toBe('phase:NOT_ALLOWED');
    expect(rule(checkClosePhase(s, 'FOUNDATION', STRANGER, SCHEDULE))).toBe('phase:NOT_ALLOWED');
  });

  it('lists the milestones not completed with all their sign-offs', () => {
    const s = stateWith(['M1', 'M2']);
    s.milestones.M2.signOffs.pop(); // completed, but the marketing sign-off is missing
    const v = checkClosePhase(s, 'FOUNDATION', REVOPS, SCHEDULE);
    expect(rule(v)).toBe('phase:MILESTONES_OPEN');
    expect(v?.message).toMatch(/^M2, M3 /);
  });

  it('needs every earlier phase closed, naming it, and refuses a second close', () => {
    const s = stateWith(['M1', 'M2', 'M3', 'M4', 'M5', 'M6']);
    const v = checkClosePhase(s, 'SYSTEMS', REVOPS, SCHEDULE);
    expect(rule(v)).toBe('phase:EARLIER_PHASE_OPEN');
    expect(v?.message).toContain('FOUNDATION');
    s.phases.FOUNDATION.closedAt = '2026-03-29T10:00:00.000Z';
    expect(checkClosePhase(s, 'SYSTEMS', REVOPS, SCHEDULE)).toBeNull();
    expect(rule(checkClosePhase(s, 'FOUNDATION', REVOPS, SCHEDULE))).toBe('phase:ALREADY_CLOSED');
    expect(rule(checkClosePhase(s, 'MONITOR', REVOPS, SCHEDULE))).toBe('phase:EARLIER_PHASE_OPEN');
  });

  it('needs two check-ins in each of weeks 5 and 6 to close MONITOR, naming the short week', () => {
    const s = stateWith(['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7'], ['FOUNDATION', 'SYSTEMS']);
    s.reviews = [
      ...checkIns('2026-04-13T08:00:00.000Z', '2026-04-16T08:00:00.000Z', '2026-04-21T08:00:00.000Z'),
      // Not a check-in, and a check-in in week 4: neither counts.
      { at: '2026-04-22T08:00:00.000Z', kind: 'WEEKLY_OPERATING' },
      { at: '2026-04-12T21:59:59.000Z', kind: 'CHECK_IN' },
    ];
    const v = checkClosePhase(s, 'MONITOR', SPONSOR, SCHEDULE);
    expect(rule(v)).toBe('phase:CHECK_INS_MISSING');
    expect(v?.message).toContain('week 6');
    // Sunday 26 April 23:59 CEST is still week 6.
    s.reviews.push(...checkIns('2026-04-26T21:59:00.000Z'));
    expect(checkClosePhase(s, 'MONITOR', SPONSOR, SCHEDULE)).toBeNull();
  });

  it('refuses an unknown phase and a finished sprint', () => {
    const s = initialSprintState(PEOPLE);
    expect(rule(checkClosePhase(s, 'LAUNCH' as never, REVOPS, SCHEDULE))).toBe('phase:KNOWN_PHASE');
    s.finishedAt = '2026-04-27T08:00:00.000Z';
    expect(rule(checkClosePhase(s, 'FOUNDATION', REVOPS, SCHEDULE))).toBe('sprintId:SPRINT_FINISHED');
  });
});

describe('checkInsByWeek', () => {
  it('counts CHECK_IN reviews per half-open week', () => {
    const s = initialSprintState(PEOPLE);
    s.reviews = [
      { at: '2026-04-12T22:00:00.000Z', kind: 'CHECK_IN' }, // week 5's first instant
      { at: '2026-04-19T22:00:00.000Z', kind: 'CHECK_IN' }, // week 6's first instant
      { at: '2026-04-20T00:30:00+02:00', kind: 'CHECK_IN' }, // = 2026-04-19T22:30Z, week 6
      { at: '2026-04-26T22:00:00.000Z', kind: 'CHECK_IN' }, // after the sprint
    ];
    expect(checkInsByWeek(s, SCHEDULE).map((w) => [w.week, w.count, w.met])).toEqual([
      [5, 1, false],
      [6, 2, true],
    ]);
  });
});

describe('checkRecordReview', () => {
  it('lets any named person record a review until the sprint finished', () => {
    const s = initialSprintState(PEOPLE);
    for (const id of [SPONSOR, SALES, MARKETING, REVOPS]) expect(checkRecordReview(s, id, '2026-04-14T09:00:00.000Z')).toBeNull();
    expect(rule(checkRecordReview(s, STRANGER, '2026-04-14T09:00:00.000Z'))).toBe('userId:SPRINT_MEMBER');
    expect(rule(checkRecordReview(s, SALES, 'yesterday'))).toBe('at:ISO_INSTANT');
    s.finishedAt = '2026-04-27T08:00:00.000Z';
    expect(checkRecordReview(s, SALES, '2026-04-26T09:00:00.000Z')).toBeNull();
    expect(rule(checkRecordReview(s, SALES, '2026-04-27T08:00:01.000Z'))).toBe('sprintId:SPRINT_FINISHED');
  });
});

describe('milestoneRag', () => {
  const due = '2026-03-20T23:00:00.000Z';
  const remind = '2026-03-19T23:00:00.000Z';
  const open: MilestoneState = { status: 'OPEN', signOffs: [], late: false, escalated: false };
  const done = (completedAt?: string, late = false): MilestoneState => ({ status: 'COMPLETED', completedAt, signOffs: [], late, escalated: false });

  it('is GREEN before the reminder, AMBER in the last 24 h, RED from the deadline on', () => {
    expect(milestoneRag(open, due, remind, '2026-03-19T22:59:59.999Z')).toBe('GREEN');
    expect(milestoneRag(open, due, remind, remind)).toBe('AMBER');
    expect(milestoneRag(open, due, remind, new Date('2026-03-20T22:59:59.999Z'))).toBe('AMBER');
    expect(milestoneRag(open, due, remind, due)).toBe('RED');
  });

  it('is GREEN completed on time and AMBER completed late, whatever now is', () => {
    expect(milestoneRag(done('2026-03-20T22:59:59.999Z'), due, remind, '2026-04-30T00:00:00.000Z')).toBe('GREEN');
    expect(milestoneRag(done('2026-03-20T23:00:00.000Z'), due, remind, '2026-04-30T00:00:00.000Z')).toBe('AMBER');
    expect(milestoneRag(done(undefined, true), due, remind, due)).toBe('AMBER');
    expect(milestoneRag(done(undefined, false), due, remind, due)).toBe('GREEN');
  });

  it('throws naming an unreadable instant', () => {
    expect(() => milestoneRag(open, due, remind, 'soon')).toThrow(DomainRuleError);
  });
});

describe('sprintRag / sprintStatus / sprintProgress', () => {
  it('is GREEN at the start and the worst milestone after', () => {
    const s = initialSprintState(PEOPLE);
    expect(sprintRag(s, SCHEDULE, '2026-03-16T08:00:00.000Z')).toBe('GREEN');
    expect(sprintRag(s, SCHEDULE, '2026-03-20T08:00:00.000Z')).toBe('AMBER'); // M1 due in < 24 h
    expect(sprintRag(s, SCHEDULE, '2026-03-21T08:00:00.000Z')).toBe('RED'); // M1 overdue
    const late = stateWith(['M1']);
    late.milestones.M1.completedAt = '2026-03-21T08:00:00.000Z';
    expect(sprintRag(late, SCHEDULE, '2026-03-22T08:00:00.000Z')).toBe('AMBER');
  });

  it('turns RED when a check-in week ended with fewer than 2 check-ins', () => {
    const s = stateWith(['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7'], ['FOUNDATION', 'SYSTEMS']);
    s.reviews = [{ at: '2026-04-14T08:00:00.000Z', kind: 'CHECK_IN' }];
    expect(sprintRag(s, SCHEDULE, '2026-04-19T21:59:59.000Z')).toBe('GREEN'); // week 5 not over yet
    const status = sprintStatus(s, SCHEDULE, '2026-04-19T22:00:00.000Z');
    expect(status.rag).toBe('RED');
    expect(status.checkIns.map((w) => [w.week, w.count, w.ended, w.rag])).toEqual([
      [5, 1, true, 'RED'],
      [6, 0, false, 'GREEN'],
    ]);
    expect(status.milestones.M7).toBe('GREEN');
  });

  it('counts completed milestones out of 7 and the closed phases', () => {
    expect(sprintProgress(initialSprintState(PEOPLE))).toEqual({ milestonesCompleted: 0, milestonesTotal: 7, fraction: 0, phasesClosed: [], currentPhase: 'FOUNDATION' });
    const p = sprintProgress(stateWith(['M1', 'M2', 'M3', 'M4'], ['FOUNDATION']));
    expect(p).toEqual({ milestonesCompleted: 4, milestonesTotal: 7, fraction: 4 / 7, phasesClosed: ['FOUNDATION'], currentPhase: 'SYSTEMS' });
    expect(sprintProgress(stateWith([...MILESTONE_CODES], ['FOUNDATION', 'SYSTEMS', 'MONITOR'])).currentPhase).toBeNull();
  });
});
