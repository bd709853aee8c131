import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Historical import (docs/import.md): one row per run of `npm run import` with its counts per
 * file, every rejected row, and the natural-key indexes that let a re-run find what an earlier
 * (or crashed) run already wrote.
 */
export class HistoricalImport1764000500000 implements MigrationInterface {
  name = 'HistoricalImport1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_job (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL CHECK (status IN ('RUNNING','SUCCEEDED','FAILED','DRY_RUN')),
        files text[] NOT NULL,
        dry_run boolean NOT NULL,
        mappings text[] NOT NULL DEFAULT '{}',
        counts jsonb NOT NULL DEFAULT '{}'::jsonb,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        started_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX import_job_started_idx ON import_job (started_at DESC)`);
    await q.query(`
      CREATE TABLE import_rejection (
        id bigserial PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES import_job(id) ON DELETE CASCADE,
        file text NOT NULL,
        row_number int NOT NULL,
        field text NOT NULL,
        rule text NOT NULL,
        message text NOT NULL
      )`);
    await q.query(`CREATE INDEX import_rejection_job_idx ON import_rejection (job_id, id)`);
    // Natural-key lookups of the importer (a re-import finds what is already there).
    await q.query(`CREATE INDEX engagement_event_natural_idx ON engagement_event (lead_id, occurred_at, type)`);
    await q.query(`CREATE INDEX handoff_lead_time_idx ON handoff (lead_id, evaluated_at)`);
    await q.query(`CREATE INDEX opportunity_lead_created_idx ON opportunity (lead_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of ['opportunity_lead_created_idx', 'handoff_lead_time_idx', 'engagement_event_natural_idx']) await q.query(`DROP INDEX ${i}`);
    await q.query('DROP TABLE import_rejection');
    await q.query('DROP TABLE import_job');
  }
}
