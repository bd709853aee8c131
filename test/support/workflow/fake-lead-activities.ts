import type {
  AssignedRep,
  LeadActivities,
  NotificationActivities,
  NotifyInput,
  RecordTransitionInput,
  RouteLeadInput,
  RouteLeadResult,
  RoutingActivities,
} from '../../../libs/contracts/src/lead-activities';
import { BusinessCalendar, DEFAULT_STAGE_DEFINITION_V1, EngagementEvent, evaluateHandoff, HandoffInput, StageDefinitionContent } from '../../../libs/domain/src';

type Activities = LeadActivities & RoutingActivities & NotificationActivities;

/**
 * In-memory activities for workflow tests where the point is the workflow's logic. They keep
 * the same idempotency contract as the real ones (step keys) so retries are visible as
 * duplicates if the workflow ever wrote twice.
 */
export class FakeLeadWorld {
  profile: HandoffInput['profile'] = { industry: 'SaaS', companySize: 300, country: 'DE', title: 'VP Sales', source: 'WEBSITE' };
  events: EngagementEvent[] = [];
  evaluations = 0;
  closedOpportunities: { opportunityId: string; won: boolean }[] = [];
  deliveries: string[] = [];
  deliveryFailures: { notificationId: string; reason: string }[] = [];
  /** Recipients whose webhook is configured; `deliverWebhook` runs `webhook` for them. */
  webhookRecipients = new Set<string>();
  webhook: (notificationId: string) => Promise<{ delivered: boolean }> = async () => ({ delivered: true });
  definition: { version: number; content: StageDefinitionContent } = { version: 1, content: DEFAULT_STAGE_DEFINITION_V1 };
  reps: AssignedRep[] = [];
  routeQueue: (string | null)[] = [];
  transitions: RecordTransitionInput[] = [];
  handoffs: { stepKey: string; outcome: string; definitionVersion: number }[] = [];
  clocks = new Map<string, { kind: string; ownerId: string | null; dueAt: string; status: string; breaches: number }>();
  notifications = new Map<string, NotifyInput>();
  touches = new Map<string, { repId: string; cadenceStep: number | null }>();
  cadence: { cycle: number; step: number; dueAt: string }[] = [];
  routed: RouteLeadInput[] = [];
  lead: Record<string, unknown> = {};
  private eventSeq = 0;

  addEvent(type: string, occurredAt: Date | string): { eventId: string; type: string; occurredAt: string } {
    const e = { id: `ev-${++this.eventSeq}`, type: type as EngagementEvent['type'], occurredAt: typeof occurredAt === 'string' ? occurredAt : occurredAt.toISOString() };
    this.events.push(e);
    return { eventId: e.id, type, occurredAt: e.occurredAt };
  }

  stages(): string[] {
    return this.transitions.map((t) => t.toStage);
  }

  breaches(): { kind: string; ownerId: string | null; dueAt: string }[] {
    return [...this.clocks.values()].filter((c) => c.status === 'BREACHED');
  }

  notificationsOf(kind: string): NotifyInput[] {
    return [...this.notifications.values()].filter((n) => n.kind === kind);
  }

  activities(): Activities {
    return {
      recordTransition: async (input) => {
        if (this.transitions.some((t) => t.stepKey === input.stepKey)) return { recorded: false };
        this.transitions.push(input);
        return { recorded: true };
      },
      activeDefinition: async () => this.definition,
      evaluateHandoff: async (input) => {
        this.evaluations++;
        const e = evaluateHandoff({ profile: { ...this.profile }, events: this.events, definition: this.definition.content, now: new Date(input.now), reengageAfter: input.reengageAfter ? new Date(input.reengageAfter) : undefined });
        Object.assign(this.lead, { intentScore: e.score.score, hot: e.hot });
        const stepKey = `${input.stepKey}-${e.outcome}`;
        if (e.outcome !== 'ENGAGED' && !(e.outcome === 'INCOMPLETE' && input.stage === 'INCOMPLETE') && !this.handoffs.some((h) => h.stepKey === stepKey)) {
          this.handoffs.push({ stepKey, outcome: e.outcome, definitionVersion: this.definition.version });
        }
        return {
          outcome: e.outcome,
          hot: e.hot,
          demoRequest: e.demoRequest,
          score: e.score.score,
          missingFields: e.missingFields,
          triggerIds: e.triggers.map((t) => t.triggerId),
          reasons: e.reasons,
          definitionVersion: this.definition.version,
          definition: e.outcome === 'MQL' ? this.definition : undefined,
          quarantined: [],
        };
      },
      projectLead: async ({ patch }) => {
        Object.assign(this.lead, patch);
      },
      openClock: async (input) => {
        if (!this.clocks.has(input.stepKey)) this.clocks.set(input.stepKey, { kind: input.kind, ownerId: input.ownerId, dueAt: input.dueAt, status: 'PENDING', breaches: 0 });
      },
      closeClock: async ({ stepKey, status }) => {
        const c = this.clocks.get(stepKey)!;
        if (c.status === 'PENDING') c.status = status;
      },
      recordBreach: async ({ stepKey }) => {
        const c = this.clocks.get(stepKey)!;
        c.status = 'BREACHED';
        c.breaches++;
      },
      recordCadence: async ({ cycle, steps }) => {
        for (const s of steps) if (!this.cadence.some((c) => c.cycle === cycle && c.step === s.step)) this.cadence.push({ cycle, step: s.step, dueAt: s.dueAt });
      },
      recordTouch: async (input) => {
        if (this.touches.has(input.stepKey)) return { recorded: false };
        this.touches.set(input.stepKey, { repId: input.repId, cadenceStep: input.cadenceStep });
        return { recorded: true };
      },
      createOpportunity: async ({ stepKey }) => ({ opportunityId: `opp-${stepKey.length}` }),
      closeOpportunity: async (input) => {
        this.closedOpportunities.push({ opportunityId: input.opportunityId, won: input.won });
      },
      loadRep: async ({ repId }) => this.reps.find((r) => r.id === repId) ?? null,
      routeLead: async (input): Promise<RouteLeadResult> => {
        this.routed.push(input);
        const eligible = this.reps.filter((r) => !(input.excludeRepIds ?? []).includes(r.id));
        const rep = eligible[0] ?? null;
        return { decisionId: input.stepKey, rep, queue: rep ? null : 'unassigned', ruleId: rep ? 'fake-pool' : 'fallback', trace: [] };
      },
      notify: async (input) => {
        if (!this.notifications.has(input.dedupeKey)) this.notifications.set(input.dedupeKey, input);
        return { notificationId: input.dedupeKey.replace(/[^A-Za-z0-9-]/g, '_'), webhook: this.webhookRecipients.has(input.recipientId) };
      },
      deliverWebhook: async ({ notificationId }) => {
        this.deliveries.push(notificationId);
        return this.webhook(notificationId);
      },
      recordDeliveryFailure: async (input) => {
        this.deliveryFailures.push(input);
      },
    };
  }
}

/** Mon–Fri 09:00–17:00 in `timeZone`, with optional holidays. */
export function officeHours(timeZone: string, holidays: string[] = []): BusinessCalendar {
  const day = [{ start: '09:00', end: '17:00' }];
  return { timeZone, weekly: { 0: [], 1: day, 2: day, 3: day, 4: day, 5: day, 6: [] }, holidays } as BusinessCalendar;
}
