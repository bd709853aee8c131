import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cadence step's window (docs/lead-lifecycle.md, "Steps are done in their windows"): a touch
 * fills the step only between opens_at and closes_at. Steps planned before windows existed
 * keep NULL; the read side then closes them at due_at plus the logging grace.
 */
export class CadenceStepWindows1764001000000 implements MigrationInterface {
  name = 'CadenceStepWindows1764001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cadence_step ADD COLUMN opens_at timestamptz, ADD COLUMN closes_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cadence_step DROP COLUMN closes_at, DROP COLUMN opens_at`);
  }
}
