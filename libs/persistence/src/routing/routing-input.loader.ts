import { EntityManager, In } from 'typeorm';
import {
  BusinessCalendar,
  chooseRep,
  DEFAULT_STAGE_DEFINITION_V1,
  OPEN_LEAD_STAGES,
  RepPool,
  regionOfCountry,
  RoutingDecision,
  RoutingInput,
  RoutingLead,
  RoutingRep,
  ROUTING_SKIP_REASONS,
  RoutingRule,
  RoutingSkipReason,
  sizeBandOf,
  validateCalendar,
} from '../../../domain/src';
import {
  AccountEntity,
  LeadEntity,
  OutOfOfficeEntity,
  RoutingPoolEntity,
  RoutingRuleEntity,
  StageDefinitionEntity,
  TeamEntity,
  UserEntity,
} from '../entities';

/*
 * Loading the facts routing decides on, shared by the worker's `routeLead` activity (which
 * locks and writes) and the API's `previewRouting` (a dry run). Plain TypeORM over an
 * EntityManager, no Nest.
 */


/** Roles that may own a lead (a manager can be the fallback owner). */
export const LEAD_OWNER_ROLES = ['SALES_REP', 'SALES_MANAGER'] as const;

/** Skip reasons in a stored trace: the domain's, plus reps the caller excluded for this routing. */
export const TRACE_SKIP_REASONS = [...ROUTING_SKIP_REASONS, 'EXCLUDED'] as const;
export type TraceSkipReason = (typeof TRACE_SKIP_REASONS)[number];

/** What the lead looked like to the rules. */
export interface RoutingFacts {
  region: string | null;
  sizeBand: string | null;
  industry: string | null;
  accountId: string | null;
  accountOwnerId: string | null;
  hot: boolean;
}

export interface RoutingOptions {
  at: Date;
  hot: boolean;
  /** Reps that may not take the lead this time; traced as EXCLUDED. */
  excludeRepIds?: readonly string[];
  /**
   * Lock the pools of the active territory rules (`SELECT ... FOR UPDATE`, in id order so two
   * routings never wait on each other crosswise). Concurrent routings into one pool then
   * serialise on the pool row, and the cursor and open-lead counts they read are current.
   * Requires a transaction.
   */
  lockPools: boolean;
}

export interface RoutingOutcome {
  decision: RoutingDecision;
  facts: RoutingFacts;
  /** Pools as read (cursor before the decision). */
  pools: Map<string, RoutingPoolEntity>;
  /** The candidate reps, by id. */
  users: Map<string, UserEntity>;
}

/** The rep's calendar when it can run SLA clocks, else undefined. */
export function usableCalendar(raw: unknown): BusinessCalendar | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  return validateCalendar(raw as BusinessCalendar).length === 0 ? (raw as BusinessCalendar) : undefined;
}

/** Lead-to-account matching: the lead's account, else the account of its email's domain. */
export async function matchAccount(em: EntityManager, lead: LeadEntity): Promise<AccountEntity | null> {
  const accounts = em.getRepository(AccountEntity);
  if (lead.accountId) return accounts.findOneBy({ id: lead.accountId });
  const domain = lead.email.split('@')[1]?.toLowerCase();
  return domain ? accounts.findOneBy({ domain }) : null;
}

/** The manager who hears about this rep's leads: their own, else their team's. */
export async function managerOf(em: EntityManager, user: UserEntity): Promise<string | null> {
  if (user.managerId) return user.managerId;
  if (!user.teamId) return null;
  return (await em.getRepository(TeamEntity).findOneBy({ id: user.teamId }))?.managerId ?? null;
}

/**
 * Load everything the ordered rules need for this lead at `at` and run the pure `chooseRep`.
 * Writes nothing. Reps that the workflow could not serve (excluded by the caller, or without
 * a usable business calendar for the SLA clocks) are handed to the rules as ineligible and
 * named with their real reason in the trace.
 */
export async function decideRouting(em: EntityManager, lead: LeadEntity, opts: RoutingOptions): Promise<RoutingOutcome> {
  const active = await em.getRepository(StageDefinitionEntity).findOne({ where: { status: 'ACTIVE' } });
  const bands = (active?.content ?? DEFAULT_STAGE_DEFINITION_V1).icp.sizeBands;
  const account = await matchAccount(em, lead);
  const facts: RoutingFacts = {
    region: regionOfCountry(lead.country ?? undefined) ?? null,
    sizeBand: sizeBandOf(lead.companySize ?? undefined, bands) ?? null,
    industry: lead.industry,
    accountId: account?.id ?? null,
    accountOwnerId: account?.ownerId ?? null,
    hot: opts.hot,
  };

  const ruleRows = await em.getRepository(RoutingRuleEntity).find({ where: { active: true }, order: { position: 'ASC' } });
  const poolIds = [...new Set(ruleRows.filter((r) => r.kind === 'TERRITORY' && r.poolId).map((r) => r.poolId!))].sort();
  const poolRows = poolIds.length === 0 ? [] : await poolQuery(em, poolIds, opts.lockPools);
  const pools = new Map(poolRows.map((p) => [p.id, p]));

  const candidateIds = new Set<string>();
  for (const p of poolRows) p.repIds.forEach((id) => candidateIds.add(id));
  for (const r of ruleRows) if (r.kind === 'FALLBACK' && r.fallbackRepId) candidateIds.add(r.fallbackRepId);
  if (facts.accountOwnerId) candidateIds.add(facts.accountOwnerId);
  const ids = [...candidateIds];

  const users = ids.length === 0 ? [] : await em.getRepository(UserEntity).find({ where: { id: In(ids), role: In([...LEAD_OWNER_ROLES]) } });
  const openLeads = new Map<string, number>();
  const away = new Map<string, { from: string; to: string }[]>();
  if (users.length > 0) {
    const userIds = users.map((u) => u.id);
    const counts: { owner_id: string; n: string }[] = await em.query(
      `SELECT owner_id, count(*) AS n FROM lead WHERE owner_id = ANY($1::uuid[]) AND stage = ANY($2::text[]) AND id <> $3 GROUP BY owner_id`,
      [userIds, [...OPEN_LEAD_STAGES], lead.id],
    );
    for (const c of counts) openLeads.set(c.owner_id, Number(c.n));
    const periods = await em
      .getRepository(OutOfOfficeEntity)
      .createQueryBuilder('o')
      .where('o.userId IN (:...userIds)', { userIds })
      .andWhere('o.startsAt <= :at AND o.endsAt > :at', { at: opts.at })
      .getMany();
    for (const p of periods) away.set(p.userId, [...(away.get(p.userId) ?? []), { from: p.startsAt.toISOString(), to: p.endsAt.toISOString() }]);
  }

  // Reasons the domain does not know about: the rules see these reps as inactive.
  const overrides = new Map<string, TraceSkipReason>();
  const excluded = new Set(opts.excludeRepIds ?? []);
  const reps: RoutingRep[] = users.map((u) => {
    const calendar = usableCalendar(u.calendar);
    if (u.active && excluded.has(u.id)) overrides.set(u.id, 'EXCLUDED');
    else if (u.active && !calendar) overrides.set(u.id, 'INVALID_CALENDAR');
    return {
      id: u.id,
      active: u.active && !overrides.has(u.id),
      outOfOffice: away.get(u.id) ?? [],
      maxOpenLeads: u.maxOpenLeads,
      openLeads: openLeads.get(u.id) ?? 0,
      calendar: calendar ?? ({ timeZone: '', weekly: {}, holidays: [] } as BusinessCalendar),
      weight: u.routingWeight,
    };
  });

  const rules: RoutingRule[] = [];
  for (const r of ruleRows) {
    if (r.kind === 'ACCOUNT_OWNER') rules.push({ id: r.id, kind: 'ACCOUNT_OWNER' });
    else if (r.kind === 'FALLBACK') rules.push({ id: r.id, kind: 'FALLBACK', repId: r.fallbackRepId ?? undefined, queue: r.fallbackQueue ?? undefined });
    else {
      const pool = r.poolId ? pools.get(r.poolId) : undefined;
      if (!pool) continue; // a territory rule always has a pool (validated, foreign key); never route into nothing
      const repPool: RepPool = { id: pool.id, strategy: pool.strategy, repIds: pool.repIds };
      rules.push({ id: r.id, kind: 'TERRITORY', match: r.criteria ?? {}, pool: repPool });
    }
  }

  const routingLead: RoutingLead = {
    accountOwnerId: facts.accountOwnerId ?? undefined,
    region: facts.region ?? undefined,
    sizeBand: facts.sizeBand ?? undefined,
    industry: facts.industry ?? undefined,
    hot: opts.hot,
  };
  const input: RoutingInput = { lead: routingLead, rules, reps, pointers: Object.fromEntries(poolRows.map((p) => [p.id, p.cursor])), now: opts.at };
  const decision = chooseRep(input);
  for (const step of decision.trace) {
    step.skipped = step.skipped.map((s) => (s.reason === 'INACTIVE' && overrides.has(s.repId) ? { ...s, reason: overrides.get(s.repId) as RoutingSkipReason } : s));
  }
  return { decision, facts, pools, users: new Map(users.map((u) => [u.id, u])) };
}

function poolQuery(em: EntityManager, ids: string[], lock: boolean): Promise<RoutingPoolEntity[]> {
  const q = em.getRepository(RoutingPoolEntity).createQueryBuilder('p').where('p.id IN (:...ids)', { ids }).orderBy('p.id', 'ASC');
  return (lock ? q.setLock('pessimistic_write') : q).getMany();
}
