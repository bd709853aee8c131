import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The importer's work list between its two passes (docs/import.md): every lead a batch wrote
 * to is listed in the batch's own transaction, and the finishing pass (historical SLA clocks,
 * the lead's projection, adoption by its live workflow) takes it off the list when done. So
 * the importer keeps no per-lead list in memory, and a run that crashed between the passes is
 * finished by the next run.
 */
export class ImportResume1764000600000 implements MigrationInterface {
  name = 'ImportResume1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_pending_lead (
        lead_id uuid PRIMARY KEY REFERENCES lead(id) ON DELETE CASCADE,
        job_id uuid NOT NULL REFERENCES import_job(id) ON DELETE CASCADE,
        added_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE import_pending_lead');
  }
}
