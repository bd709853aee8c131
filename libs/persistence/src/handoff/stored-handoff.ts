import { DEFAULT_STAGE_DEFINITION_V1, DomainRuleError, EngagementEvent, EngagementType, evaluateHandoff, HandoffEvaluation, StageDefinitionContent, unreadableEventReason } from '../../../domain/src';

/** A DataSource, an EntityManager or a transaction's manager: anything that runs plain SQL. */
export interface Sql {
  query(text: string, params?: unknown[]): Promise<any>;
}

export interface ActiveDefinition {
  version: number;
  content: StageDefinitionContent;
}

/** The ACTIVE stage definition (version 1's built-in content before anything was approved). */
export async function activeStageDefinition(db: Sql): Promise<ActiveDefinition> {
  const [active] = await db.query(`SELECT version, content FROM stage_definition WHERE status = 'ACTIVE' LIMIT 1`);
  return active ? { version: active.version, content: active.content } : { version: 1, content: DEFAULT_STAGE_DEFINITION_V1 };
}

export interface StoredHandoff {
  evaluation: HandoffEvaluation;
  definition: ActiveDefinition;
  /** Stored events no rule can read, with the reason (to be set aside by the caller). */
  quarantined: { eventId: string; reason: string }[];
  /** Events this evaluation took into account for the first time. */
  unevaluated: string[];
}

/**
 * The handoff evaluation of a lead's stored events under the ACTIVE definition: the one
 * reading the lead workflow's evaluation and the ingest's cheap path share. Plain SQL with
 * only the columns the rule reads: it runs for every nurture event.
 */
export async function evaluateStoredHandoff(db: Sql, leadId: string, at: { now: Date; reengageAfter?: Date }): Promise<StoredHandoff> {
  const [lead] = await db.query(
    `SELECT l.industry, l.company_size, l.country, l.title, l.buying_role, l.source,
            (SELECT max(t.occurred_at) FROM touch t WHERE t.lead_id = l.id) AS last_outreach_at
       FROM lead l WHERE l.id = $1`,
    [leadId],
  );
  if (!lead) throw new Error(`lead ${leadId} not found`);
  const rows: { id: string; type: string; occurred_at: Date; content: string | null; evaluated: boolean }[] = await db.query(
    `SELECT id, type, occurred_at, coalesce(content_title, url) AS content, evaluated_at IS NOT NULL AS evaluated
       FROM engagement_event WHERE lead_id = $1 AND quarantined_at IS NULL ORDER BY occurred_at, id`,
    [leadId],
  );
  const definition = await activeStageDefinition(db);
  const quarantined: StoredHandoff['quarantined'] = [];
  const events: EngagementEvent[] = [];
  for (const e of rows) {
    const event = { id: e.id, type: e.type as EngagementType, occurredAt: e.occurred_at.toISOString(), content: e.content ?? undefined };
    const reason = unreadableEventReason(event);
    if (reason) quarantined.push({ eventId: e.id, reason });
    else events.push(event);
  }
  const run = () =>
    evaluateHandoff({
      profile: { industry: lead.industry ?? undefined, companySize: lead.company_size ?? undefined, country: lead.country ?? undefined, title: lead.title ?? undefined, buyingRole: lead.buying_role ?? undefined, source: lead.source },
      events,
      definition: definition.content,
      now: at.now,
      lastOutreachAt: lead.last_outreach_at ? new Date(lead.last_outreach_at) : undefined,
      reengageAfter: at.reengageAfter,
    });
  // A record a rule still rejects is set aside and the evaluation runs again without it.
  for (;;) {
    try {
      const evaluation = run();
      return { evaluation, definition, quarantined, unevaluated: rows.filter((e) => !e.evaluated).map((e) => e.id) };
    } catch (e) {
      const index = e instanceof DomainRuleError ? eventIndexOf(e) : -1;
      if (index < 0) throw e;
      const [bad] = events.splice(index, 1);
      quarantined.push({ eventId: bad.id, reason: (e as Error).message });
    }
  }
}

function eventIndexOf(e: DomainRuleError): number {
  const match = /^events\[(\d+)\]/.exec(e.violations[0]?.field ?? '');
  return match ? Number(match[1]) : -1;
}
