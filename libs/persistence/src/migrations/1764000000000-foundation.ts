import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users and teams, the lead read model, idempotency receipts and the stage history. */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE team (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        manager_id uuid
      )`);
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('MARKETING','SALES_REP','SALES_MANAGER','REVOPS','EXECUTIVE','ADMIN','INTEGRATION')),
        team_id uuid REFERENCES team(id),
        manager_id uuid REFERENCES app_user(id),
        active boolean NOT NULL DEFAULT true,
        calendar jsonb,
        max_open_leads int NOT NULL DEFAULT 50 CHECK (max_open_leads >= 0),
        routing_weight int NOT NULL DEFAULT 1 CHECK (routing_weight >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE lead (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE,
        first_name text,
        last_name text,
        company text,
        title text,
        industry text,
        company_size int,
        country text,
        buying_role text,
        source text NOT NULL,
        utm jsonb NOT NULL DEFAULT '{}'::jsonb,
        account_id uuid,
        stage text NOT NULL DEFAULT 'FIRST_TOUCH',
        owner_id uuid REFERENCES app_user(id),
        first_touch_at timestamptz,
        recycle_count int NOT NULL DEFAULT 0,
        survivor_lead_id uuid REFERENCES lead(id),
        workflow_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX lead_stage_idx ON lead (stage)`);
    await q.query(`CREATE INDEX lead_owner_idx ON lead (owner_id)`);
    await q.query(`
      CREATE TABLE ingest_receipt (
        idempotency_key text PRIMARY KEY,
        kind text NOT NULL,
        lead_id uuid NOT NULL REFERENCES lead(id),
        request_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE stage_transition (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        step_key text NOT NULL UNIQUE,
        lead_id uuid NOT NULL REFERENCES lead(id),
        from_stage text,
        to_stage text NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        reason text NOT NULL,
        definition_version int,
        details jsonb
      )`);
    await q.query(`CREATE INDEX stage_transition_lead_idx ON stage_transition (lead_id, occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['stage_transition', 'ingest_receipt', 'lead', 'app_user', 'team']) await q.query(`DROP TABLE ${t}`);
  }
}
