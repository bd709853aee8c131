import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { FieldViolation } from '../../../../libs/contracts/src';
import { DEFAULT_STAGE_DEFINITION_V1, REGIONS } from '../../../../libs/domain/src';
import {
  LeadEntity,
  RoutingDecisionEntity,
  RoutingPoolEntity,
  RoutingRuleEntity,
  StageDefinitionEntity,
  UserEntity,
} from '../../../../libs/persistence/src';
import { assertUuid, badInput, notFound } from '../common/errors';
import type { Principal } from '../auth/auth.types';
import { visibleLead } from '../auth/lead-access';
import { CreateRoutingPoolInput, UpdateRoutingPoolInput } from './dto/routing-pool.type';
import { CreateRoutingRuleInput, TerritoryCriteriaInput, UpdateRoutingRuleInput } from './dto/routing-rule.type';
import { decideRouting, LEAD_OWNER_ROLES, RoutingOutcome } from '../../../../libs/persistence/src/routing/routing-input.loader';

const MAX_CRITERIA_VALUES = 100;
const QUEUE_NAME = /^[A-Za-z0-9._:\-]{1,100}$/;

type RuleDraft = Pick<RoutingRuleEntity, 'position' | 'name' | 'kind' | 'criteria' | 'poolId' | 'fallbackRepId' | 'fallbackQueue' | 'active'>;

const isUniqueViolation = (e: unknown) => (e as { driverError?: { code?: string } }).driverError?.code === '23505';

/**
 * Routing configuration (pools, ordered rules), the stored decisions, and a dry run of the
 * rules for one lead. Every write is validated as a whole first: an invalid change is
 * refused with BAD_USER_INPUT naming the fields, and nothing is written.
 */
@Injectable()
export class RoutingService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // ------------------------------------------------------------------ pools
  pools(): Promise<RoutingPoolEntity[]> {
    return this.db.getRepository(RoutingPoolEntity).find({ order: { name: 'ASC' } });
  }

  async createPool(input: CreateRoutingPoolInput): Promise<RoutingPoolEntity> {
    const name = input.name.trim();
    const violations = [...(await this.poolNameViolations(name)), ...(await this.repIdViolations(input.repIds))];
    if (violations.length) throw badInput(violations);
    const repo = this.db.getRepository(RoutingPoolEntity);
    return repo.save(repo.create({ name, strategy: input.strategy, repIds: input.repIds, cursor: 0 })).catch((e) => {
      if (isUniqueViolation(e)) throw badInput([{ field: 'name', rule: 'UNIQUE', message: `a pool named '${name}' exists` }]);
      throw e;
    });
  }

  async updatePool(input: UpdateRoutingPoolInput): Promise<RoutingPoolEntity> {
    const pool = await this.pool(input.id);
    const name = input.name?.trim();
    const violations: FieldViolation[] = [];
    if (name !== undefined && name !== pool.name) violations.push(...(await this.poolNameViolations(name)));
    if (input.repIds) violations.push(...(await this.repIdViolations(input.repIds)));
    if (violations.length) throw badInput(violations);
    const patch: Partial<RoutingPoolEntity> = {};
    if (name !== undefined) patch.name = name;
    if (input.strategy) patch.strategy = input.strategy;
    // The cursor stays: it is taken modulo the new rotation, so the turn moves on rather than restarting.
    if (input.repIds) patch.repIds = input.repIds;
    if (Object.keys(patch).length) {
      await this.db.getRepository(RoutingPoolEntity).update({ id: pool.id }, patch).catch((e) => {
        if (isUniqueViolation(e)) throw badInput([{ field: 'name', rule: 'UNIQUE', message: `a pool named '${name}' exists` }]);
        throw e;
      });
    }
    return this.pool(pool.id);
  }

  private async pool(id: string): Promise<RoutingPoolEntity> {
    assertUuid('id', id);
    const pool = await this.db.getRepository(RoutingPoolEntity).findOneBy({ id });
    if (!pool) throw notFound('Routing pool', id);
    return pool;
  }

  private async poolNameViolations(name: string): Promise<FieldViolation[]> {
    if (!name) return [{ field: 'name', rule: 'REQUIRED', message: 'must not be blank' }];
    if (await this.db.getRepository(RoutingPoolEntity).existsBy({ name })) return [{ field: 'name', rule: 'UNIQUE', message: `a pool named '${name}' exists` }];
    return [];
  }

  /** Every id must be a known SALES_REP or SALES_MANAGER, once. Inactive reps may stay listed: routing skips them. */
  private async repIdViolations(repIds: readonly string[]): Promise<FieldViolation[]> {
    const known = new Set(
      repIds.length === 0 ? [] : (await this.db.getRepository(UserEntity).find({ where: { id: In([...new Set(repIds)]), role: In([...LEAD_OWNER_ROLES]) }, select: { id: true } })).map((u) => u.id),
    );
    const seen = new Set<string>();
    const out: FieldViolation[] = [];
    repIds.forEach((id, i) => {
      if (!known.has(id)) out.push({ field: `repIds[${i}]`, rule: 'EXISTS', message: `no SALES_REP or SALES_MANAGER ${id}` });
      else if (seen.has(id)) out.push({ field: `repIds[${i}]`, rule: 'UNIQUE', message: `rep ${id} is listed twice` });
      seen.add(id);
    });
    return out;
  }

  // ------------------------------------------------------------------ rules
  rules(): Promise<RoutingRuleEntity[]> {
    return this.db.getRepository(RoutingRuleEntity).find({ order: { position: 'ASC' } });
  }

  async createRule(input: CreateRoutingRuleInput): Promise<RoutingRuleEntity> {
    const draft: RuleDraft = {
      position: input.position,
      name: input.name.trim(),
      kind: input.kind,
      criteria: input.criteria ? await this.normaliseCriteria(input.criteria, []) : {},
      poolId: input.poolId ?? null,
      fallbackRepId: input.fallbackRepId ?? null,
      fallbackQueue: input.fallbackQueue?.trim() ?? null,
      active: input.active ?? true,
    };
    await this.assertValidRule(draft, null, input.criteria ?? null);
    const repo = this.db.getRepository(RoutingRuleEntity);
    return repo.save(repo.create(draft)).catch((e) => this.ruleWriteError(e, draft.position));
  }

  async updateRule(input: UpdateRoutingRuleInput): Promise<RoutingRuleEntity> {
    const rule = await this.rule(input.id);
    const pick = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K] | undefined): RuleDraft[K] => (value === undefined ? rule[key] : value);
    const draft: RuleDraft = {
      position: pick('position', input.position ?? undefined),
      name: pick('name', input.name?.trim()),
      kind: pick('kind', input.kind ?? undefined),
      criteria: input.criteria === undefined ? rule.criteria : input.criteria === null ? {} : await this.normaliseCriteria(input.criteria, []),
      poolId: pick('poolId', input.poolId),
      fallbackRepId: pick('fallbackRepId', input.fallbackRepId),
      fallbackQueue: pick('fallbackQueue', input.fallbackQueue === null ? null : input.fallbackQueue?.trim()),
      active: pick('active', input.active ?? undefined),
    };
    await this.assertValidRule(draft, rule.id, input.criteria ?? null);
    await this.db.getRepository(RoutingRuleEntity).update({ id: rule.id }, draft).catch((e) => this.ruleWriteError(e, draft.position));
    return this.rule(rule.id);
  }

  async deleteRule(id: string): Promise<boolean> {
    await this.rule(id);
    // Decisions keep the rule's id in their trace; deleting the rule does not rewrite history.
    await this.db.getRepository(RoutingRuleEntity).delete({ id });
    return true;
  }

  private async rule(id: string): Promise<RoutingRuleEntity> {
    assertUuid('id', id);
    const rule = await this.db.getRepository(RoutingRuleEntity).findOneBy({ id });
    if (!rule) throw notFound('Routing rule', id);
    return rule;
  }

  private ruleWriteError(e: unknown, position: number): never {
    if (isUniqueViolation(e)) throw badInput([{ field: 'position', rule: 'UNIQUE', message: `another rule has position ${position}` }]);
    throw e;
  }

  /** The whole rule, as it would be stored: what its kind needs, nothing it would silently ignore. */
  private async assertValidRule(rule: RuleDraft, selfId: string | null, rawCriteria: TerritoryCriteriaInput | null): Promise<void> {
    const v: FieldViolation[] = [];
    if (!rule.name) v.push({ field: 'name', rule: 'REQUIRED', message: 'must not be blank' });
    const clash = await this.db.getRepository(RoutingRuleEntity).findOneBy({ position: rule.position });
    if (clash && clash.id !== selfId) v.push({ field: 'position', rule: 'UNIQUE', message: `rule '${clash.name}' already has position ${rule.position}` });
    if (rawCriteria) await this.normaliseCriteria(rawCriteria, v);

    const notAllowed = (field: string) => v.push({ field, rule: 'NOT_ALLOWED', message: `a ${rule.kind} rule does not use ${field}` });
    const hasCriteria = Object.values(rule.criteria ?? {}).some((l) => Array.isArray(l) && l.length > 0);
    if (rule.kind !== 'TERRITORY') {
      if (rule.poolId) notAllowed('poolId');
      if (hasCriteria) notAllowed('criteria');
    }
    if (rule.kind !== 'FALLBACK') {
      if (rule.fallbackRepId) notAllowed('fallbackRepId');
      if (rule.fallbackQueue) notAllowed('fallbackQueue');
    }
    if (rule.kind === 'TERRITORY') {
      if (!rule.poolId) v.push({ field: 'poolId', rule: 'REQUIRED', message: 'a TERRITORY rule routes into a pool' });
      else if (!(await this.db.getRepository(RoutingPoolEntity).existsBy({ id: rule.poolId }))) v.push({ field: 'poolId', rule: 'EXISTS', message: `no routing pool ${rule.poolId}` });
    }
    if (rule.kind === 'FALLBACK') {
      if (!rule.fallbackRepId && !rule.fallbackQueue) {
        v.push({ field: 'fallbackRepId', rule: 'REQUIRED_ONE_OF', message: 'a FALLBACK rule needs fallbackRepId or fallbackQueue (or both)' });
      }
      if (rule.fallbackRepId) {
        const rep = await this.db.getRepository(UserEntity).findOneBy({ id: rule.fallbackRepId });
        if (!rep || !(LEAD_OWNER_ROLES as readonly string[]).includes(rep.role)) v.push({ field: 'fallbackRepId', rule: 'EXISTS', message: `no SALES_REP or SALES_MANAGER ${rule.fallbackRepId}` });
      }
      if (rule.fallbackQueue && !QUEUE_NAME.test(rule.fallbackQueue)) {
        v.push({ field: 'fallbackQueue', rule: 'QUEUE_NAME', message: '1-100 letters, digits and . _ : -' });
      }
    }
    if (v.length) throw badInput(v);
  }

  /**
   * Trimmed, de-duplicated lists; empty lists dropped (empty = any). Regions must be known,
   * size bands must be bands of the active stage definition (else the rule could never match).
   * Violations go into `out`.
   */
  private async normaliseCriteria(c: TerritoryCriteriaInput, out: FieldViolation[]): Promise<RoutingRuleEntity['criteria']> {
    const bands = await this.activeSizeBands(this.db.manager);
    const clean = (key: 'regions' | 'sizeBands' | 'industries', allowed?: readonly string[]): string[] | undefined => {
      const list = c[key];
      if (!list || list.length === 0) return undefined;
      if (list.length > MAX_CRITERIA_VALUES) out.push({ field: `criteria.${key}`, rule: 'MAX_ITEMS', message: `at most ${MAX_CRITERIA_VALUES} values` });
      const values: string[] = [];
      list.forEach((raw, i) => {
        const value = raw.trim();
        if (!value || value.length > 100) return void out.push({ field: `criteria.${key}[${i}]`, rule: 'LENGTH', message: 'must be 1-100 characters' });
        const canonical = allowed ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : value;
        if (!canonical) return void out.push({ field: `criteria.${key}[${i}]`, rule: 'ONE_OF', message: `'${value}' is not one of ${allowed!.join(', ')}` });
        if (!values.some((x) => x.toLowerCase() === canonical.toLowerCase())) values.push(canonical);
      });
      return values;
    };
    const criteria = { regions: clean('regions', REGIONS), sizeBands: clean('sizeBands', bands), industries: clean('industries') };
    return Object.fromEntries(Object.entries(criteria).filter(([, l]) => l && l.length > 0));
  }

  private async activeSizeBands(em: EntityManager): Promise<string[]> {
    const active = await em.getRepository(StageDefinitionEntity).findOne({ where: { status: 'ACTIVE' } });
    return (active?.content ?? DEFAULT_STAGE_DEFINITION_V1).icp.sizeBands.map((b) => b.id);
  }

  // ------------------------------------------------------------------ decisions
  async decisions(principal: Principal, leadId: string): Promise<RoutingDecisionEntity[]> {
    await this.lead(principal, leadId);
    return this.db.getRepository(RoutingDecisionEntity).find({ where: { leadId }, order: { decidedAt: 'ASC', id: 'ASC' } });
  }

  /** The same loader and pure rules as the worker's routeLead, without locks or writes. */
  async preview(principal: Principal, leadId: string, at: Date, hot?: boolean): Promise<{ lead: LeadEntity; outcome: RoutingOutcome }> {
    const lead = await this.lead(principal, leadId);
    const outcome = await decideRouting(this.db.manager, lead, { at, hot: hot ?? lead.hot, lockPools: false });
    return { lead, outcome };
  }

  /** The lead if the caller may see it (a manager: their teams' leads), else NOT_FOUND. */
  private async lead(principal: Principal, id: string, field = 'leadId'): Promise<LeadEntity> {
    assertUuid(field, id);
    return visibleLead(this.db, principal, id);
  }
}
