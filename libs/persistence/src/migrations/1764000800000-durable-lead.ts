import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the lead workflow now records so nothing is dropped silently: an engagement event no
 * rule can read is quarantined with its reason (kept, out of every evaluation), and every
 * event says when a handoff evaluation first took it into account (the ingest relay delivers
 * again what a nurtured lead never evaluated); an opt-out
 * and a bounce are flagged on the lead in every stage; a webhook delivery that gave up says why.
 */
export class DurableLead1764000800000 implements MigrationInterface {
  name = 'DurableLead1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE engagement_event ADD COLUMN quarantined_at timestamptz, ADD COLUMN quarantine_reason text, ADD COLUMN evaluated_at timestamptz`);
    await q.query(`ALTER TABLE lead ADD COLUMN opted_out_at timestamptz, ADD COLUMN email_bounced_at timestamptz`);
    await q.query(`ALTER TABLE notification ADD COLUMN webhook_failure text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notification DROP COLUMN webhook_failure');
    await q.query('ALTER TABLE lead DROP COLUMN opted_out_at, DROP COLUMN email_bounced_at');
    await q.query('ALTER TABLE engagement_event DROP COLUMN quarantined_at, DROP COLUMN quarantine_reason, DROP COLUMN evaluated_at');
  }
}
