import { MigrationInterface, QueryRunner } from 'typeorm';

/** Proposals of stage definition versions and every approver's decision (the audit trail). */
export class StageDefinitionApproval1764000200000 implements MigrationInterface {
  name = 'StageDefinitionApproval1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stage_definition
        ADD COLUMN based_on_version int,
        ADD COLUMN proposed_by text,
        ADD COLUMN proposed_at timestamptz,
        ADD COLUMN approver_ids uuid[],
        ADD COLUMN deadline timestamptz,
        ADD COLUMN closed_at timestamptz`);
    await q.query(`
      CREATE TABLE stage_definition_approval (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        definition_id uuid NOT NULL REFERENCES stage_definition(id),
        approver_id uuid NOT NULL REFERENCES app_user(id),
        decision text NOT NULL CHECK (decision IN ('APPROVED','CHANGES_REQUESTED')),
        comment text NOT NULL,
        decided_at timestamptz NOT NULL,
        UNIQUE (definition_id, approver_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE stage_definition_approval');
    await q.query('ALTER TABLE stage_definition DROP COLUMN based_on_version, DROP COLUMN proposed_by, DROP COLUMN proposed_at, DROP COLUMN approver_ids, DROP COLUMN deadline, DROP COLUMN closed_at');
  }
}
