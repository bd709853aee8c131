import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_STAGE_DEFINITION_V1 } from '../../../domain/src/stage-definition';

/**
 * The lead lifecycle: stage definitions (versioned handoff contract), accounts, engagement
 * events, routing configuration and decisions, handoffs, SLA clocks and breaches, touches,
 * cadence steps, the notification outbox and opportunities. Every table written by a
 * workflow activity has a unique step key so a retried activity never writes twice.
 */
export class LeadLifecycle1764000100000 implements MigrationInterface {
  name = 'LeadLifecycle1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stage_definition (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        version int NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('DRAFT','PROPOSED','CHANGES_REQUESTED','EXPIRED','ACTIVE','SUPERSEDED')),
        content jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        superseded_at timestamptz
      )`);
    // Exactly one active version at any moment.
    await q.query(`CREATE UNIQUE INDEX stage_definition_one_active ON stage_definition ((true)) WHERE status = 'ACTIVE'`);

    // Version 1 of the handoff contract (domain brief §2) is active from the start.
    await q.query(`INSERT INTO stage_definition (version, status, content, created_by, activated_at) VALUES (1, 'ACTIVE', $1, 'system', now())`, [JSON.stringify(DEFAULT_STAGE_DEFINITION_V1)]);

    await q.query(`ALTER TABLE app_user ADD COLUMN notification_webhook_url text`);
    await q.query(`
      CREATE TABLE out_of_office (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        CHECK (ends_at > starts_at)
      )`);
    await q.query(`CREATE INDEX out_of_office_user_idx ON out_of_office (user_id, ends_at)`);

    await q.query(`
      CREATE TABLE account (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain text NOT NULL UNIQUE,
        name text NOT NULL,
        industry text,
        company_size int,
        owner_id uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE lead ADD CONSTRAINT lead_account_fk FOREIGN KEY (account_id) REFERENCES account(id)`);
    await q.query(`
      ALTER TABLE lead
        ADD COLUMN hot boolean NOT NULL DEFAULT false,
        ADD COLUMN intent_score numeric(8,2) NOT NULL DEFAULT 0,
        ADD COLUMN definition_version int,
        ADD COLUMN mql_at timestamptz,
        ADD COLUMN routed_at timestamptz,
        ADD COLUMN accepted_at timestamptz,
        ADD COLUMN reengage_at timestamptz,
        ADD COLUMN sla_breached boolean NOT NULL DEFAULT false,
        ADD COLUMN next_due_at timestamptz`);
    await q.query(`CREATE INDEX lead_owner_due_idx ON lead (owner_id, next_due_at)`);
    await q.query(`CREATE INDEX lead_source_idx ON lead (source)`);

    await q.query(`
      CREATE TABLE engagement_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL UNIQUE,
        lead_id uuid NOT NULL REFERENCES lead(id),
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        channel text,
        campaign text,
        utm jsonb NOT NULL DEFAULT '{}'::jsonb,
        url text,
        content_title text,
        via text NOT NULL
      )`);
    await q.query(`CREATE INDEX engagement_event_lead_idx ON engagement_event (lead_id, occurred_at)`);
    await q.query(`CREATE INDEX engagement_event_time_idx ON engagement_event (occurred_at)`);

    await q.query(`
      CREATE TABLE routing_pool (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        strategy text NOT NULL CHECK (strategy IN ('ROUND_ROBIN','WEIGHTED_ROUND_ROBIN','LEAST_LOADED')),
        rep_ids uuid[] NOT NULL,
        cursor bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE routing_rule (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        position int NOT NULL UNIQUE,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('ACCOUNT_OWNER','TERRITORY','FALLBACK')),
        criteria jsonb NOT NULL DEFAULT '{}'::jsonb,
        pool_id uuid REFERENCES routing_pool(id),
        fallback_rep_id uuid REFERENCES app_user(id),
        fallback_queue text,
        active boolean NOT NULL DEFAULT true
      )`);
    await q.query(`
      CREATE TABLE routing_decision (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        step_key text NOT NULL UNIQUE,
        lead_id uuid NOT NULL REFERENCES lead(id),
        rule_id text,
        rep_id uuid REFERENCES app_user(id),
        queue text,
        trace jsonb NOT NULL,
        decided_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX routing_decision_lead_idx ON routing_decision (lead_id, decided_at)`);

    await q.query(`
      CREATE TABLE handoff (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        step_key text NOT NULL UNIQUE,
        lead_id uuid NOT NULL REFERENCES lead(id),
        outcome text NOT NULL CHECK (outcome IN ('MQL','INCOMPLETE')),
        evaluated_at timestamptz NOT NULL,
        definition_version int NOT NULL,
        hot boolean NOT NULL,
        demo_request boolean NOT NULL,
        intent_score numeric(8,2) NOT NULL,
        score_breakdown jsonb NOT NULL,
        triggers jsonb NOT NULL,
        missing_fields text[] NOT NULL DEFAULT '{}',
        brief jsonb
      )`);
    await q.query(`CREATE INDEX handoff_lead_idx ON handoff (lead_id, evaluated_at)`);
    await q.query(`CREATE INDEX handoff_time_idx ON handoff (evaluated_at)`);

    await q.query(`
      CREATE TABLE sla_clock (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        step_key text NOT NULL UNIQUE,
        lead_id uuid NOT NULL REFERENCES lead(id),
        kind text NOT NULL,
        owner_id uuid REFERENCES app_user(id),
        started_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','MET','BREACHED','CANCELLED')),
        met_at timestamptz,
        breached_at timestamptz
      )`);
    await q.query(`CREATE INDEX sla_clock_lead_idx ON sla_clock (lead_id)`);
    await q.query(`CREATE INDEX sla_clock_due_idx ON sla_clock (due_at)`);
    await q.query(`
      CREATE TABLE sla_breach (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        clock_id uuid NOT NULL UNIQUE REFERENCES sla_clock(id),
        lead_id uuid NOT NULL REFERENCES lead(id),
        owner_id uuid REFERENCES app_user(id),
        manager_id uuid REFERENCES app_user(id),
        kind text NOT NULL,
        due_at timestamptz NOT NULL,
        breached_at timestamptz NOT NULL
      )`);
    // Breaches are a permanent record: never updated, never deleted.
    await q.query(`
      CREATE FUNCTION sla_breach_is_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'sla_breach rows are permanent'; END $$`);
    await q.query(`CREATE TRIGGER sla_breach_permanent BEFORE UPDATE OR DELETE ON sla_breach FOR EACH ROW EXECUTE FUNCTION sla_breach_is_permanent()`);

    await q.query(`
      CREATE TABLE touch (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        step_key text NOT NULL UNIQUE,
        lead_id uuid NOT NULL REFERENCES lead(id),
        rep_id uuid NOT NULL REFERENCES app_user(id),
        channel text NOT NULL,
        outcome text NOT NULL,
        occurred_at timestamptz NOT NULL,
        logged_at timestamptz NOT NULL,
        cadence_step int,
        note text
      )`);
    await q.query(`CREATE INDEX touch_lead_idx ON touch (lead_id, occurred_at)`);
    await q.query(`
      CREATE TABLE cadence_step (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES lead(id),
        cycle int NOT NULL,
        step int NOT NULL,
        day int NOT NULL,
        channel text NOT NULL,
        due_at timestamptz NOT NULL,
        done_at timestamptz,
        touch_id uuid REFERENCES touch(id),
        UNIQUE (lead_id, cycle, step)
      )`);
    await q.query(`CREATE INDEX cadence_step_due_idx ON cadence_step (due_at)`);

    await q.query(`
      CREATE TABLE notification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dedupe_key text NOT NULL UNIQUE,
        recipient_id uuid NOT NULL REFERENCES app_user(id),
        kind text NOT NULL,
        lead_id uuid REFERENCES lead(id),
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        webhook_status text NOT NULL DEFAULT 'NONE' CHECK (webhook_status IN ('NONE','PENDING','DELIVERED','FAILED')),
        webhook_attempts int NOT NULL DEFAULT 0,
        delivered_at timestamptz,
        read_at timestamptz
      )`);
    await q.query(`CREATE INDEX notification_inbox_idx ON notification (recipient_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE opportunity (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        step_key text NOT NULL UNIQUE,
        lead_id uuid NOT NULL REFERENCES lead(id),
        account_id uuid REFERENCES account(id),
        owner_id uuid REFERENCES app_user(id),
        amount numeric(14,2) NOT NULL CHECK (amount >= 0),
        expected_close_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('OPEN','WON','LOST')),
        closed_at timestamptz,
        close_reason text,
        bant jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX opportunity_lead_idx ON opportunity (lead_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['opportunity', 'notification', 'cadence_step', 'touch', 'sla_breach', 'sla_clock', 'handoff', 'routing_decision', 'routing_rule', 'routing_pool', 'engagement_event']) await q.query(`DROP TABLE ${t}`);
    await q.query('DROP FUNCTION sla_breach_is_permanent');
    await q.query(`ALTER TABLE lead DROP CONSTRAINT lead_account_fk, DROP COLUMN hot, DROP COLUMN intent_score, DROP COLUMN definition_version, DROP COLUMN mql_at, DROP COLUMN routed_at, DROP COLUMN accepted_at, DROP COLUMN reengage_at, DROP COLUMN sla_breached, DROP COLUMN next_due_at`);
    await q.query('DROP TABLE account');
    await q.query('DROP TABLE out_of_office');
    await q.query('ALTER TABLE app_user DROP COLUMN notification_webhook_url');
    await q.query('DROP TABLE stage_definition');
  }
}
