import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not } from 'typeorm';
import { CADENCE_MIN_TOUCH_DATES, cadenceProgress, describeMissing, EngagementType, OPEN_LEAD_STAGES, scoreIntent, StageDefinitionContent, stepSlot, stepStatus, TouchChannel, unreadableEventReason } from '../../../../libs/domain/src';
import {
  CadenceStepEntity,
  EngagementEventEntity,
  HandoffEntity,
  LeadEntity,
  NotificationEntity,
  OpportunityEntity,
  SlaClockEntity,
  StageDefinitionEntity,
  TouchEntity,
  UserEntity,
} from '../../../../libs/persistence/src';
import type { Principal } from '../auth/auth.types';
import { whereLeadVisible } from '../auth/lead-access';
import { badInput, notFound } from '../common/errors';
import { LeadsFilterInput, PageInput, SlaStatusFilter } from './dto/leads-filter.input';


const encodeCursor = (createdAt: Date, id: string) => Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (!id || Number.isNaN(createdAt.getTime())) throw badInput([{ field: 'page.after', rule: 'cursor', message: 'is not a cursor returned by this API' }]);
  return { createdAt, id };
}

function groupBy<T>(rows: T[], key: (r: T) => string, ids: readonly string[]): T[][] {
  const map = new Map<string, T[]>();
  for (const r of rows) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
  return ids.map((id) => map.get(id) ?? []);
}

/** The read side of the lifecycle: lists, queues and the lead's detail, all plain SQL on the read model. */
@Injectable()
export class LeadReadService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(principal: Principal, filter: LeadsFilterInput = {}, page: PageInput = { first: 25 }) {
    // Only the leads the caller may see, whatever the filter asks.
    const qb = whereLeadVisible(this.db.getRepository(LeadEntity).createQueryBuilder('l'), principal);
    if (filter.ownerId) qb.andWhere('l.owner_id = :ownerId', { ownerId: filter.ownerId });
    if (filter.stage) qb.andWhere('l.stage = :stage', { stage: filter.stage });
    if (filter.source) qb.andWhere('l.source = :source', { source: filter.source });
    if (filter.slaStatus === SlaStatusFilter.BREACHED) qb.andWhere('l.sla_breached');
    if (filter.slaStatus === SlaStatusFilter.ON_TRACK) qb.andWhere("NOT l.sla_breached AND EXISTS (SELECT 1 FROM sla_clock c WHERE c.lead_id = l.id AND c.status = 'PENDING')");
    const totalCount = await qb.clone().getCount();
    if (page.after) {
      const c = decodeCursor(page.after);
      qb.andWhere('(l.created_at, l.id) < (:at, :id)', { at: c.createdAt, id: c.id });
    }
    const rows = await qb.orderBy('l.created_at', 'DESC').addOrderBy('l.id', 'DESC').limit(page.first + 1).getMany();
    const hasNextPage = rows.length > page.first;
    const edges = rows.slice(0, page.first).map((node) => ({ node, cursor: encodeCursor(node.createdAt, node.id) }));
    return { edges, totalCount, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor } };
  }

  /** A rep's work queue: open leads they own, most urgent due time first. */
  myQueue(principal: Principal, first: number): Promise<LeadEntity[]> {
    return this.db
      .getRepository(LeadEntity)
      .createQueryBuilder('l')
      .where('l.owner_id = :id', { id: principal.userId })
      .andWhere('l.stage IN (:...stages)', { stages: [...OPEN_LEAD_STAGES] })
      .orderBy('l.next_due_at', 'ASC', 'NULLS LAST')
      .addOrderBy('l.routed_at', 'ASC')
      .limit(first)
      .getMany();
  }

  async clocks(leadIds: readonly string[]): Promise<SlaClockEntity[][]> {
    const rows = await this.db.getRepository(SlaClockEntity).find({ where: { leadId: In([...leadIds]) }, order: { startedAt: 'ASC', dueAt: 'ASC' } });
    return groupBy(rows, (r) => r.leadId, leadIds);
  }

  async touches(leadIds: readonly string[]): Promise<TouchEntity[][]> {
    const rows = await this.db.getRepository(TouchEntity).find({ where: { leadId: In([...leadIds]) }, order: { occurredAt: 'ASC' } });
    return groupBy(rows, (r) => r.leadId, leadIds);
  }

  async opportunities(leadIds: readonly string[]): Promise<(OpportunityEntity | null)[]> {
    const rows = await this.db.getRepository(OpportunityEntity).find({ where: { leadId: In([...leadIds]) }, order: { createdAt: 'DESC' } });
    return groupBy(rows, (r) => r.leadId, leadIds).map((g) => g[0] ?? null);
  }

  /** The latest MQL handoff of each lead, with its brief. */
  async latestHandoffs(leadIds: readonly string[]): Promise<(HandoffEntity | null)[]> {
    const rows = await this.db.getRepository(HandoffEntity).find({ where: { leadId: In([...leadIds]), outcome: 'MQL' }, order: { evaluatedAt: 'DESC' } });
    return groupBy(rows, (r) => r.leadId, leadIds).map((g) => g[0] ?? null);
  }

  /** The current cycle's cadence and whether UNRESPONSIVE is allowed yet, under the lead's pinned version. */
  async cadence(lead: LeadEntity, now = new Date()) {
    const [latest] = await this.db.query('SELECT max(cycle) AS cycle FROM cadence_step WHERE lead_id = $1', [lead.id]);
    const cycle = latest?.cycle ?? null;
    const steps = cycle === null ? [] : await this.db.getRepository(CadenceStepEntity).find({ where: { leadId: lead.id, cycle }, order: { step: 'ASC' } });
    const definition = await this.definition(lead.definitionVersion);
    const touches = await this.db.getRepository(TouchEntity).find({ where: { leadId: lead.id }, order: { occurredAt: 'ASC' } });
    // The cadence of the current MQL counts the touches logged since that MQL.
    const current = lead.mqlAt ? touches.filter((t) => t.loggedAt >= lead.mqlAt!) : touches;
    const progress = cadenceProgress(definition.cadence, current.map((t) => ({ occurredAt: t.occurredAt.toISOString(), channel: t.channel as TouchChannel })), now, await this.ownerTimeZone(lead));
    const windowed = steps.map((st) => {
      const slot = stepSlot({ ...st, filled: !!st.touchId || !!st.doneAt }, definition.sla.touchLoggingMinutes);
      return { ...st, opensAt: st.opensAt, closesAt: slot.closesAt, status: stepStatus(slot, now) };
    });
    return {
      touches: progress.touches,
      minTouches: definition.cadence.minTouches,
      dates: progress.dates,
      minDates: CADENCE_MIN_TOUCH_DATES,
      windowDays: definition.cadence.windowDays,
      complete: progress.complete,
      completeAt: progress.completeAt,
      missing: progress.complete ? undefined : describeMissing(definition.cadence, progress),
      steps: windowed,
    };
  }

  /** The owner's time zone, in which the cadence counts dates (an unowned lead runs no cadence: UTC). */
  private async ownerTimeZone(lead: LeadEntity): Promise<string> {
    const owner = lead.ownerId ? await this.db.getRepository(UserEntity).findOne({ where: { id: lead.ownerId } }) : null;
    const timeZone = (owner?.calendar as { timeZone?: unknown } | null)?.timeZone;
    return typeof timeZone === 'string' ? timeZone : 'UTC';
  }

  /** The intent score, explained line by line, computed by the same pure rule the workflow uses. */
  async score(lead: LeadEntity, now = new Date()) {
    const version = await this.db.getRepository(StageDefinitionEntity).findOne({ where: lead.definitionVersion ? { version: lead.definitionVersion } : { status: 'ACTIVE' } });
    const content = version?.content ?? (await this.definition(null));
    const rows = await this.db.getRepository(EngagementEventEntity).find({ where: { leadId: lead.id, quarantinedAt: IsNull() }, order: { occurredAt: 'ASC' } });
    const events = rows.map((e) => ({ id: e.id, type: e.type as EngagementType, occurredAt: e.occurredAt.toISOString() })).filter((e) => !unreadableEventReason(e));
    const result = scoreIntent(events, content.scoring, now);
    return { score: result.score, definitionVersion: version?.version ?? 1, breakdown: result.breakdown.map((b) => ({ ...b, occurredAt: new Date(b.occurredAt) })), capped: result.capped.map((c) => c.type) };
  }

  private async definition(version: number | null): Promise<StageDefinitionContent> {
    const row = await this.db.getRepository(StageDefinitionEntity).findOne({ where: version ? { version } : { status: 'ACTIVE' } });
    if (!row) throw notFound('Stage definition', String(version ?? 'ACTIVE'));
    return row.content;
  }

  notifications(principal: Principal, unreadOnly: boolean, first: number): Promise<NotificationEntity[]> {
    const qb = this.db.getRepository(NotificationEntity).createQueryBuilder('n').where('n.recipient_id = :id', { id: principal.userId });
    if (unreadOnly) qb.andWhere('n.read_at IS NULL');
    return qb.orderBy('n.created_at', 'DESC').limit(first).getMany();
  }

  /** Webhook deliveries that gave up, newest first (RevOps fixes the receiver or the URL). */
  failedDeliveries(first: number): Promise<NotificationEntity[]> {
    return this.db.getRepository(NotificationEntity).find({ where: { webhookStatus: 'FAILED' }, order: { createdAt: 'DESC' }, take: first });
  }

  /** The lead's events that no rule could read, with why. */
  quarantinedEvents(leadId: string): Promise<EngagementEventEntity[]> {
    return this.db.getRepository(EngagementEventEntity).find({ where: { leadId, quarantinedAt: Not(IsNull()) }, order: { quarantinedAt: 'ASC' } });
  }

  async markNotificationRead(principal: Principal, id: string): Promise<NotificationEntity> {
    const repo = this.db.getRepository(NotificationEntity);
    const n = await repo.findOne({ where: { id, recipientId: principal.userId } });
    if (!n) throw notFound('Notification', id);
    if (!n.readAt) {
      n.readAt = new Date();
      await repo.update({ id }, { readAt: n.readAt });
    }
    return n;
  }
}
