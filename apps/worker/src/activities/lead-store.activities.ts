import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type {
  AssignedRep,
  CreateOpportunityInput,
  EvaluateHandoffInput,
  HandoffDecision,
  LeadActivities,
  PinnedDefinition,
  LeadProjection,
  OpenClockInput,
  RecordCadenceInput,
  RecordTouchInput,
  RecordTransitionInput,
} from '../../../../libs/contracts/src';
import { BusinessCalendar, handoffChangesStage, HandoffEvaluation } from '../../../../libs/domain/src';
import {
  AccountEntity,
  CadenceStepEntity,
  EngagementEventEntity,
  HandoffEntity,
  LeadEntity,
  OpportunityEntity,
  SlaBreachEntity,
  SlaClockEntity,
  StageTransitionEntity,
  TeamEntity,
  TouchEntity,
  UserEntity,
  activeStageDefinition,
  evaluateStoredHandoff,
} from '../../../../libs/persistence/src';
import { recommendNextAction } from './next-action';

/** Insert unless the unique step key exists; true when this call wrote the row. */
async function insertOnce<T extends object>(tx: EntityManager, entity: new () => T, values: QueryDeepPartialEntity<T>): Promise<boolean> {
  const result = await tx.createQueryBuilder().insert().into(entity).values(values).orIgnore().returning(['id']).execute();
  return Array.isArray(result.raw) && result.raw.length > 0;
}

/** Activities that write the lead's records to Baton's database, each idempotent by step key. */
@Injectable()
export class LeadStoreActivities implements LeadActivities {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async recordTransition(input: RecordTransitionInput): Promise<{ recorded: boolean }> {
    return this.db.transaction(async (tx) => {
      const recorded = await insertOnce(tx, StageTransitionEntity, {
        stepKey: input.stepKey,
        leadId: input.leadId,
        fromStage: input.fromStage,
        toStage: input.toStage,
        occurredAt: new Date(input.occurredAt),
        actorId: input.actor.id,
        actorRole: input.actor.role,
        reason: input.reason,
        definitionVersion: input.definitionVersion ?? null,
        details: input.details ?? null,
      } as QueryDeepPartialEntity<StageTransitionEntity>);
      if (recorded) await tx.getRepository(LeadEntity).update({ id: input.leadId }, { stage: input.toStage });
      return { recorded };
    });
  }

  async activeDefinition(): Promise<PinnedDefinition> {
    return activeStageDefinition(this.db);
  }

  async evaluateHandoff(input: EvaluateHandoffInput): Promise<HandoffDecision> {
    const { evaluation, definition, quarantined, unevaluated } = await evaluateStoredHandoff(this.db, input.leadId, {
      now: new Date(input.now),
      reengageAfter: input.reengageAfter ? new Date(input.reengageAfter) : undefined,
    });
    for (const q of quarantined) await this.db.getRepository(EngagementEventEntity).update({ id: q.eventId }, { quarantinedAt: new Date(), quarantineReason: q.reason });
    if (unevaluated.length) await this.db.query('UPDATE engagement_event SET evaluated_at = now() WHERE id = ANY($1::uuid[])', [unevaluated]);
    await this.projectLead({ leadId: input.leadId, patch: { intentScore: evaluation.score.score, hot: evaluation.hot } });
    if (handoffChangesStage(input.stage, evaluation.outcome)) await this.recordHandoff(input, evaluation, definition.version);
    return {
      outcome: evaluation.outcome,
      hot: evaluation.hot,
      demoRequest: evaluation.demoRequest,
      score: evaluation.score.score,
      missingFields: evaluation.missingFields,
      triggerIds: evaluation.triggers.map((t) => t.triggerId),
      reasons: evaluation.reasons,
      definitionVersion: definition.version,
      definition: evaluation.outcome === 'MQL' ? definition : undefined,
      quarantined: quarantined.slice(0, 10),
    };
  }

  /** The handoff brief (domain brief §4): what travels with the lead so the rep never starts from zero. */
  private async recordHandoff(input: EvaluateHandoffInput, evaluation: HandoffEvaluation, definitionVersion: number): Promise<void> {
    const stepKey = `${input.stepKey}-${evaluation.outcome}`;
    await this.db.transaction(async (tx) => {
      const existing = await tx.getRepository(HandoffEntity).findOne({ where: { stepKey }, select: { id: true } });
      if (existing) return;
      const lead = await tx.getRepository(LeadEntity).findOneByOrFail({ id: input.leadId });
      const brief = evaluation.outcome === 'MQL' ? await this.buildBrief(tx, lead, evaluation) : null;
      await tx.getRepository(HandoffEntity).insert({
        stepKey,
        leadId: input.leadId,
        outcome: evaluation.outcome as 'MQL' | 'INCOMPLETE',
        evaluatedAt: new Date(input.now),
        definitionVersion,
        hot: evaluation.hot,
        demoRequest: evaluation.demoRequest,
        intentScore: evaluation.score.score,
        scoreBreakdown: evaluation.score.breakdown as never,
        triggers: evaluation.triggers as never,
        missingFields: evaluation.missingFields,
        brief: brief as never,
      });
    });
  }

  private async buildBrief(tx: EntityManager, lead: LeadEntity, input: HandoffEvaluation): Promise<Record<string, unknown>> {
    const events = await tx.getRepository(EngagementEventEntity).find({ where: { leadId: lead.id }, order: { occurredAt: 'ASC' } });
    const account = await this.matchAccount(tx, lead);
    let accountContext: Record<string, unknown> | null = null;
    if (account) {
      const others = await tx.getRepository(LeadEntity).find({ where: { accountId: account.id }, select: { id: true, stage: true, ownerId: true } });
      const openOpps = await tx.query(`SELECT o.id, o.amount, o.expected_close_at FROM opportunity o JOIN lead l ON l.id = o.lead_id WHERE l.account_id = $1 AND o.status = 'OPEN'`, [account.id]);
      accountContext = {
        accountId: account.id,
        name: account.name,
        industry: account.industry,
        companySize: account.companySize,
        ownerId: account.ownerId,
        otherLeads: others.filter((o) => o.id !== lead.id).map((o) => ({ leadId: o.id, stage: o.stage, ownerId: o.ownerId })),
        openOpportunities: openOpps.map((o: { id: string; amount: string; expected_close_at: Date }) => ({ opportunityId: o.id, amount: Number(o.amount), expectedCloseAt: new Date(o.expected_close_at).toISOString() })),
      };
    }
    const last = events[events.length - 1];
    return {
      source: lead.source,
      firstTouch: { at: (lead.firstTouchAt ?? lead.createdAt).toISOString(), utm: lead.utm },
      lastTouch: last ? { at: last.occurredAt.toISOString(), type: last.type, utm: last.utm } : null,
      contentConsumed: input.contentConsumed,
      intentSignals: events.slice(-25).map((e) => ({ type: e.type, at: e.occurredAt.toISOString(), content: e.contentTitle ?? e.url })),
      scoreBreakdown: input.score.breakdown,
      intentScore: input.score.score,
      triggers: input.triggers,
      reasons: input.reasons,
      buyingRole: lead.buyingRole,
      title: lead.title,
      company: { name: lead.company, industry: lead.industry, size: lead.companySize, country: lead.country },
      account: accountContext,
      recommendedNextAction: recommendNextAction({ demoRequest: input.demoRequest, hot: input.hot, triggers: input.triggers, contentConsumed: input.contentConsumed }),
    };
  }

  /** Lead-to-account matching: the lead's account, else the account of its email domain (then linked). */
  private async matchAccount(tx: EntityManager, lead: LeadEntity): Promise<AccountEntity | null> {
    const accounts = tx.getRepository(AccountEntity);
    if (lead.accountId) return accounts.findOneBy({ id: lead.accountId });
    const domain = lead.email.split('@')[1];
    const account = domain ? await accounts.findOneBy({ domain }) : null;
    if (account) await tx.getRepository(LeadEntity).update({ id: lead.id }, { accountId: account.id });
    return account;
  }

  async projectLead({ leadId, patch }: { leadId: string; patch: LeadProjection }): Promise<void> {
    const date = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));
    const values: Partial<LeadEntity> = {
      ownerId: patch.ownerId,
      hot: patch.hot,
      intentScore: patch.intentScore,
      definitionVersion: patch.definitionVersion,
      mqlAt: date(patch.mqlAt),
      routedAt: date(patch.routedAt),
      acceptedAt: date(patch.acceptedAt),
      reengageAt: date(patch.reengageAt),
      recycleCount: patch.recycleCount,
      survivorLeadId: patch.survivorLeadId,
      nextDueAt: date(patch.nextDueAt),
      slaBreached: patch.slaBreached,
      optedOutAt: date(patch.optedOutAt),
      emailBouncedAt: date(patch.emailBouncedAt),
    };
    const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
    if (Object.keys(defined).length) await this.db.getRepository(LeadEntity).update({ id: leadId }, defined);
  }

  async openClock(input: OpenClockInput): Promise<void> {
    await insertOnce(this.db.manager, SlaClockEntity, {
      stepKey: input.stepKey,
      leadId: input.leadId,
      kind: input.kind,
      ownerId: input.ownerId,
      startedAt: new Date(input.startedAt),
      dueAt: new Date(input.dueAt),
      status: 'PENDING',
    });
  }

  async closeClock(input: { stepKey: string; status: 'MET' | 'CANCELLED'; at: string }): Promise<void> {
    // Only a PENDING clock settles: a breach already recorded is never turned into MET.
    await this.db.getRepository(SlaClockEntity).update({ stepKey: input.stepKey, status: 'PENDING' }, { status: input.status, metAt: input.status === 'MET' ? new Date(input.at) : null });
  }

  async recordBreach(input: { stepKey: string; at: string; managerId: string | null }): Promise<void> {
    await this.db.transaction(async (tx) => {
      const clock = await tx.getRepository(SlaClockEntity).findOneByOrFail({ stepKey: input.stepKey });
      await tx.getRepository(SlaClockEntity).update({ id: clock.id, status: 'PENDING' }, { status: 'BREACHED', breachedAt: new Date(input.at) });
      await insertOnce(tx, SlaBreachEntity, { clockId: clock.id, leadId: clock.leadId, ownerId: clock.ownerId, managerId: input.managerId, kind: clock.kind, dueAt: clock.dueAt, breachedAt: new Date(input.at) });
    });
  }

  async recordCadence(input: RecordCadenceInput): Promise<void> {
    if (!input.steps.length) return;
    await this.db.transaction(async (tx) => {
      await tx
        .createQueryBuilder()
        .insert()
        .into(CadenceStepEntity)
        .values(
          input.steps.map((s) => ({
            leadId: input.leadId,
            cycle: input.cycle,
            step: s.step,
            day: s.day,
            channel: s.channel,
            dueAt: new Date(s.dueAt),
            opensAt: s.opensAt ? new Date(s.opensAt) : null,
            closesAt: s.closesAt ? new Date(s.closesAt) : null,
            doneAt: s.doneAt ? new Date(s.doneAt) : null,
            touchId: s.touchId ?? null,
          })),
        )
        .orIgnore()
        .execute();
      // An imported touch that fills a step shows it, as a logged one does (never overwritten).
      for (const s of input.steps.filter((x) => x.touchId)) {
        await tx.getRepository(TouchEntity).update({ id: s.touchId, leadId: input.leadId, cadenceStep: IsNull() }, { cadenceStep: s.step });
      }
    });
  }

  async recordTouch(input: RecordTouchInput): Promise<{ recorded: boolean }> {
    return this.db.transaction(async (tx) => {
      const recorded = await insertOnce(tx, TouchEntity, {
        stepKey: input.stepKey,
        leadId: input.leadId,
        repId: input.repId,
        channel: input.channel,
        outcome: input.outcome,
        occurredAt: new Date(input.occurredAt),
        loggedAt: new Date(input.loggedAt),
        cadenceStep: input.cadenceStep,
        note: input.note ?? null,
      });
      if (recorded && input.cadenceStep !== null) {
        const touch = await tx.getRepository(TouchEntity).findOneByOrFail({ stepKey: input.stepKey });
        await tx.getRepository(CadenceStepEntity).update({ leadId: input.leadId, cycle: input.cycle, step: input.cadenceStep }, { doneAt: new Date(input.loggedAt), touchId: touch.id });
      }
      return { recorded };
    });
  }

  async createOpportunity(input: CreateOpportunityInput): Promise<{ opportunityId: string }> {
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(OpportunityEntity);
      const existing = await repo.findOne({ where: { stepKey: input.stepKey }, select: { id: true } });
      if (existing) return { opportunityId: existing.id };
      const lead = await tx.getRepository(LeadEntity).findOneByOrFail({ id: input.leadId });
      const saved = await repo.save(
        repo.create({
          stepKey: input.stepKey,
          leadId: input.leadId,
          accountId: lead.accountId,
          ownerId: input.ownerId,
          amount: input.amount,
          expectedCloseAt: new Date(input.expectedCloseAt),
          createdAt: new Date(input.createdAt),
          status: 'OPEN',
          bant: input.bant,
        }),
      );
      return { opportunityId: saved.id };
    });
  }

  async closeOpportunity(input: { opportunityId: string; won: boolean; reason: string; at: string }): Promise<void> {
    await this.db.getRepository(OpportunityEntity).update({ id: input.opportunityId, status: 'OPEN' }, { status: input.won ? 'WON' : 'LOST', closedAt: new Date(input.at), closeReason: input.reason });
  }

  async loadRep({ repId }: { repId: string }): Promise<AssignedRep | null> {
    const user = await this.db.getRepository(UserEntity).findOne({ where: { id: repId, active: true, role: In(['SALES_REP', 'SALES_MANAGER']) } });
    if (!user || !user.calendar) return null;
    let managerId = user.managerId;
    if (!managerId && user.teamId) managerId = (await this.db.getRepository(TeamEntity).findOneBy({ id: user.teamId }))?.managerId ?? null;
    return { id: user.id, managerId, calendar: user.calendar as unknown as BusinessCalendar };
  }
}

