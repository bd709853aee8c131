import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  acceptLeadUpdate,
  closeOpportunityUpdate,
  disqualifyLeadUpdate,
  LeadCommandResult,
  logTouchUpdate,
  qualifyLeadUpdate,
  reassignLeadUpdate,
  rejectLeadUpdate,
} from '../../../../libs/contracts/src';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/auth.types';
import { HUMAN_ROLES, Roles } from '../auth/roles.decorator';
import { assertUuid } from '../common/errors';
import { loaderFor } from '../common/loaders';
import { CaptureLeadInput } from './dto/capture-lead.input';
import { CloseOpportunityInput, DisqualifyLeadInput, LeadIdInput, LogTouchInput, QualifyLeadInput, ReassignLeadInput, RejectLeadInput } from './dto/lead-commands.input';
import {
  CadenceProgressType,
  HandoffBriefType,
  IntentScoreType,
  LeadCommandPayload,
  LeadConnection,
  NotificationDeliveryType,
  NotificationType,
  QuarantinedEventType,
  OpportunityType,
  SlaClockType,
  TouchType,
} from './dto/lead-detail.types';
import { CaptureLeadPayload, LeadType, StageTransitionType } from './dto/lead.type';
import { LeadsFilterInput, PageInput } from './dto/leads-filter.input';
import { UpdateLeadProfileInput } from './dto/update-lead-profile.input';
import { LeadCommandsService } from './lead-commands.service';
import { LeadReadService } from './lead-read.service';
import { toBrief, toClock, toLeadType, toStageTransitionType } from './lead.mapper';
import { LeadsService } from './leads.service';

const SALES = ['SALES_REP', 'SALES_MANAGER', 'REVOPS', 'ADMIN'] as const;

const payload = (s: LeadCommandResult): LeadCommandPayload => ({
  leadId: s.leadId,
  stage: s.stage,
  ownerId: s.ownerId ?? undefined,
  cycle: s.cycle,
  recycleCount: s.recycleCount,
  reengageAfter: s.reengageAfter ? new Date(s.reengageAfter) : undefined,
  cadenceExit: s.cadenceExit ?? undefined,
  opportunityId: s.opportunityId ?? undefined,
});

@Resolver(() => LeadType)
export class LeadsResolver {
  constructor(private readonly leadsService: LeadsService, private readonly read: LeadReadService, private readonly commands: LeadCommandsService) {}

  // ------------------------------------------------------------------ capture & enrichment
  @Mutation(() => CaptureLeadPayload, { description: 'Capture a lead (first touch) and start its lifecycle workflow. Idempotent per idempotencyKey.' })
  @Roles('MARKETING', 'INTEGRATION', 'REVOPS', 'ADMIN')
  async captureLead(@Args('input') input: CaptureLeadInput): Promise<CaptureLeadPayload> {
    const { lead, created, delivery } = await this.leadsService.captureLead(input);
    return { lead: toLeadType(lead), created, delivery };
  }

  @Mutation(() => LeadType, { description: 'Enrich a lead\'s profile (fills required fields of an INCOMPLETE lead); the lead is re-evaluated.' })
  @Roles('MARKETING', 'REVOPS', 'ADMIN')
  async updateLeadProfile(@Args('input') input: UpdateLeadProfileInput): Promise<LeadType> {
    return toLeadType(await this.leadsService.updateProfile(input));
  }

  // ------------------------------------------------------------------ reads
  @Query(() => LeadType)
  @Roles(...HUMAN_ROLES)
  async lead(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<LeadType> {
    return toLeadType(await this.leadsService.getLead(principal, id));
  }

  @Query(() => LeadConnection, { description: 'Leads, newest first, filtered by stage, owner, SLA status and source. Reps see their own.' })
  @Roles(...HUMAN_ROLES)
  async leads(@CurrentPrincipal() principal: Principal, @Args('filter', { nullable: true }) filter?: LeadsFilterInput, @Args('page', { nullable: true }) page?: PageInput): Promise<LeadConnection> {
    const c = await this.read.list(principal, filter ?? {}, page ?? { first: 25 });
    return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: toLeadType(e.node) })) };
  }

  @Query(() => [LeadType], { description: 'The calling rep\'s open leads, most urgent due time first.' })
  @Roles('SALES_REP', 'SALES_MANAGER')
  async myQueue(@CurrentPrincipal() principal: Principal, @Args('first', { type: () => Int, defaultValue: 50 }) first: number): Promise<LeadType[]> {
    return (await this.read.myQueue(principal, Math.min(Math.max(first, 1), 200))).map(toLeadType);
  }

  @Query(() => [NotificationType], { description: 'The caller\'s in-app inbox, newest first.' })
  @Roles(...HUMAN_ROLES)
  async myNotifications(@CurrentPrincipal() principal: Principal, @Args('unreadOnly', { defaultValue: false }) unreadOnly: boolean, @Args('first', { type: () => Int, defaultValue: 50 }) first: number): Promise<NotificationType[]> {
    const rows = await this.read.notifications(principal, unreadOnly, Math.min(Math.max(first, 1), 200));
    return rows.map((n) => ({ ...n, leadId: n.leadId ?? undefined, readAt: n.readAt ?? undefined, webhookFailure: n.webhookFailure ?? undefined }));
  }

  @Query(() => [NotificationDeliveryType], { description: 'Webhook deliveries that gave up (a dead or refusing receiver), newest first. The in-app inbox entries stay.' })
  @Roles('REVOPS', 'ADMIN')
  async failedNotificationDeliveries(@Args('first', { type: () => Int, defaultValue: 50 }) first: number): Promise<NotificationDeliveryType[]> {
    const rows = await this.read.failedDeliveries(Math.min(Math.max(first, 1), 200));
    return rows.map((n) => ({ notificationId: n.id, recipientId: n.recipientId, kind: n.kind, leadId: n.leadId ?? undefined, createdAt: n.createdAt, attempts: n.webhookAttempts, failure: n.webhookFailure ?? undefined }));
  }

  @Mutation(() => NotificationType)
  @Roles(...HUMAN_ROLES)
  async markNotificationRead(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<NotificationType> {
    assertUuid('id', id);
    const n = await this.read.markNotificationRead(principal, id);
    return { ...n, leadId: n.leadId ?? undefined, readAt: n.readAt ?? undefined, webhookFailure: n.webhookFailure ?? undefined };
  }

  // ------------------------------------------------------------------ lead detail
  @ResolveField(() => [StageTransitionType], { description: 'The full timeline: every recorded transition, oldest first.' })
  async stageHistory(@Parent() lead: LeadType, @Context() ctx: object): Promise<StageTransitionType[]> {
    const rows = await loaderFor(ctx, 'stageHistory', (ids: readonly string[]) => this.leadsService.stageHistories(ids)).load(lead.id);
    return rows.map(toStageTransitionType);
  }

  @ResolveField(() => [SlaClockType])
  async slaClocks(@Parent() lead: LeadType, @Context() ctx: object): Promise<SlaClockType[]> {
    return (await loaderFor(ctx, 'clocks', (ids: readonly string[]) => this.read.clocks(ids)).load(lead.id)).map(toClock);
  }

  @ResolveField(() => [TouchType])
  async touches(@Parent() lead: LeadType, @Context() ctx: object): Promise<TouchType[]> {
    const rows = await loaderFor(ctx, 'touches', (ids: readonly string[]) => this.read.touches(ids)).load(lead.id);
    return rows.map((t) => ({ ...t, cadenceStep: t.cadenceStep ?? undefined, note: t.note ?? undefined }));
  }

  @ResolveField(() => OpportunityType, { nullable: true })
  async opportunity(@Parent() lead: LeadType, @Context() ctx: object): Promise<OpportunityType | null> {
    const o = await loaderFor(ctx, 'opportunity', (ids: readonly string[]) => this.read.opportunities(ids)).load(lead.id);
    return o ? { ...o, closedAt: o.closedAt ?? undefined, closeReason: o.closeReason ?? undefined } : null;
  }

  @ResolveField(() => HandoffBriefType, { nullable: true, description: 'The brief of the latest handoff (null before the first MQL).' })
  async handoffBrief(@Parent() lead: LeadType, @Context() ctx: object): Promise<HandoffBriefType | null> {
    const h = await loaderFor(ctx, 'handoff', (ids: readonly string[]) => this.read.latestHandoffs(ids)).load(lead.id);
    if (!h) return null;
    const clocks = (await loaderFor(ctx, 'clocks', (ids: readonly string[]) => this.read.clocks(ids)).load(lead.id)).filter((c) => c.startedAt >= h.evaluatedAt);
    return toBrief(h, clocks);
  }

  @ResolveField(() => [QuarantinedEventType], { description: 'Stored events no rule could read (kept, left out of every evaluation), with why.' })
  async quarantinedEvents(@Parent() lead: LeadType): Promise<QuarantinedEventType[]> {
    const rows = await this.read.quarantinedEvents(lead.id);
    return rows.map((e) => ({ eventId: e.id, type: e.type, quarantinedAt: e.quarantinedAt!, reason: e.quarantineReason ?? '' }));
  }

  @ResolveField(() => IntentScoreType, { description: 'The intent score with every point explained.' })
  async intentScore(@Parent() lead: LeadType): Promise<IntentScoreType> {
    return this.read.score(await this.leadsService.entity(lead.id));
  }

  @ResolveField(() => CadenceProgressType, { description: 'The follow-up cadence of the current MQL and whether it is complete.' })
  async cadence(@Parent() lead: LeadType): Promise<CadenceProgressType> {
    const c = await this.read.cadence(await this.leadsService.entity(lead.id));
    return { ...c, steps: c.steps.map((s) => ({ ...s, opensAt: s.opensAt ?? undefined, touchId: s.touchId ?? undefined, doneAt: s.doneAt ?? undefined })) };
  }

  // ------------------------------------------------------------------ commands (Temporal updates)
  @Mutation(() => LeadCommandPayload, { description: 'The owner accepts a routed lead (meets the accept SLA).' })
  @Roles('SALES_REP', 'SALES_MANAGER')
  async acceptLead(@CurrentPrincipal() p: Principal, @Args('input') input: LeadIdInput): Promise<LeadCommandPayload> {
    return payload(await this.commands.execute(p, input.leadId, acceptLeadUpdate, {}, input.requestId));
  }

  @Mutation(() => LeadCommandPayload, { description: 'The owner rejects a routed lead with a standardized code (and a note where required).' })
  @Roles('SALES_REP', 'SALES_MANAGER')
  async rejectLead(@CurrentPrincipal() p: Principal, @Args('input') input: RejectLeadInput): Promise<LeadCommandPayload> {
    return payload(await this.commands.execute(p, input.leadId, rejectLeadUpdate, { code: input.code, note: input.note, survivorLeadId: input.survivorLeadId, reengageAt: input.reengageAt?.toISOString() }, input.requestId));
  }

  @Mutation(() => LeadCommandPayload, { description: 'Log a touch and its outcome. Idempotent per touchId.' })
  @Roles('SALES_REP', 'SALES_MANAGER')
  async logTouch(@CurrentPrincipal() p: Principal, @Args('input') input: LogTouchInput): Promise<LeadCommandPayload> {
    return payload(await this.commands.execute(p, input.leadId, logTouchUpdate, { touchId: input.touchId, channel: input.channel, outcome: input.outcome, occurredAt: input.occurredAt.toISOString(), note: input.note }, input.requestId ?? input.touchId));
  }

  @Mutation(() => LeadCommandPayload, { description: 'Qualify (BANT): the lead becomes SQL and an opportunity is created.' })
  @Roles('SALES_REP', 'SALES_MANAGER')
  async qualifyLead(@CurrentPrincipal() p: Principal, @Args('input') input: QualifyLeadInput): Promise<LeadCommandPayload> {
    return payload(await this.commands.execute(p, input.leadId, qualifyLeadUpdate, { bant: { ...input.bant }, amount: input.amount, expectedCloseAt: input.expectedCloseAt.toISOString() }, input.requestId));
  }

  @Mutation(() => LeadCommandPayload, { description: 'Disqualify after work; UNRESPONSIVE only after the full cadence. Recycles per the definition.' })
  @Roles('SALES_REP', 'SALES_MANAGER')
  async disqualifyLead(@CurrentPrincipal() p: Principal, @Args('input') input: DisqualifyLeadInput): Promise<LeadCommandPayload> {
    return payload(await this.commands.execute(p, input.leadId, disqualifyLeadUpdate, { reason: input.reason, note: input.note, reengageAt: input.reengageAt?.toISOString() }, input.requestId));
  }

  @Mutation(() => LeadCommandPayload, { description: 'A manager (or RevOps) moves the lead to another rep; new clocks start for them.' })
  @Roles(...SALES)
  async reassignLead(@CurrentPrincipal() p: Principal, @Args('input') input: ReassignLeadInput): Promise<LeadCommandPayload> {
    return payload(await this.commands.execute(p, input.leadId, reassignLeadUpdate, { repId: input.repId, reason: input.reason }, input.requestId));
  }

  @Mutation(() => LeadCommandPayload, { description: 'Close the lead\'s opportunity won or lost, with a reason.' })
  @Roles(...SALES)
  async closeOpportunity(@CurrentPrincipal() p: Principal, @Args('input') input: CloseOpportunityInput): Promise<LeadCommandPayload> {
    return payload(await this.commands.execute(p, input.leadId, closeOpportunityUpdate, { won: input.won, reason: input.reason }, input.requestId));
  }
}
