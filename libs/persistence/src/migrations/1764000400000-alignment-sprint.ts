import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 6-week alignment sprint and governance (domain brief §7). The sprint workflow owns the
 * program; `sprint.state` is its read model (written by the workflow with a revision, so a
 * late write never overwrites a newer one). Reviews, blueprint actions and sales feedback
 * are records of their own: they outlive the workflow and are tracked to done.
 */
export class AlignmentSprint1764000400000 implements MigrationInterface {
  name = 'AlignmentSprint1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sprint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        start_date date NOT NULL,
        time_zone text NOT NULL,
        sponsor_id uuid NOT NULL REFERENCES app_user(id),
        sales_leader_id uuid NOT NULL REFERENCES app_user(id),
        marketing_leader_id uuid NOT NULL REFERENCES app_user(id),
        revops_owner_id uuid NOT NULL REFERENCES app_user(id),
        target jsonb NOT NULL,
        status text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING','FINISHED')),
        workflow_id text NOT NULL UNIQUE,
        state jsonb,
        revision int NOT NULL DEFAULT 0,
        created_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE governance_review (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dedupe_key text NOT NULL UNIQUE,
        sprint_id uuid REFERENCES sprint(id),
        kind text NOT NULL CHECK (kind IN ('CHECK_IN','OUTCOME','WEEKLY_OPERATING','MONTHLY_PROCESS','QUARTERLY_MODEL_RESET')),
        held_at timestamptz NOT NULL,
        snapshot_id uuid REFERENCES kpi_snapshot(id),
        decisions jsonb NOT NULL DEFAULT '[]'::jsonb,
        action_items jsonb NOT NULL DEFAULT '[]'::jsonb,
        findings jsonb NOT NULL DEFAULT '[]'::jsonb,
        recorded_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX governance_review_sprint_idx ON governance_review (sprint_id, held_at)`);
    await q.query(`
      CREATE TABLE blueprint_action (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sprint_id uuid NOT NULL REFERENCES sprint(id),
        leak_id text NOT NULL,
        rank int NOT NULL,
        title text NOT NULL,
        owner_role text NOT NULL,
        owner_id uuid REFERENCES app_user(id),
        sla_days int NOT NULL,
        due_date date NOT NULL,
        priority text NOT NULL,
        expected_impact numeric NOT NULL,
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN','IN_PROGRESS','DONE')),
        done_at timestamptz,
        done_by uuid REFERENCES app_user(id),
        note text,
        UNIQUE (sprint_id, leak_id)
      )`);
    await q.query(`
      CREATE TABLE sales_feedback (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('OBJECTION','WIN_REASON','LOSS_REASON','LEAD_QUALITY')),
        lead_id uuid REFERENCES lead(id),
        opportunity_id uuid REFERENCES opportunity(id),
        code text NOT NULL,
        detail text,
        recorded_by uuid NOT NULL REFERENCES app_user(id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sales_feedback_time_idx ON sales_feedback (recorded_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['sales_feedback', 'blueprint_action', 'governance_review', 'sprint']) await q.query(`DROP TABLE ${t}`);
  }
}
