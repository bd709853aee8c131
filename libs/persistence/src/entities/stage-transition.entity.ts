import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Every lifecycle transition with who, when and why ("if it is not in the system, it did
 * not happen"). `stepKey` (workflow id + step) makes the recording activity idempotent.
 */
@Entity('stage_transition')
export class StageTransitionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'text', name: 'step_key' })
  stepKey: string;

  @Index()
  @Column({ type: 'uuid', name: 'lead_id' })
  leadId: string;

  @Column({ type: 'text', name: 'from_stage', nullable: true })
  fromStage: string | null;

  @Column({ type: 'text', name: 'to_stage' })
  toStage: string;

  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt: Date;

  @Column({ type: 'text', name: 'actor_id' })
  actorId: string;

  @Column({ type: 'text', name: 'actor_role' })
  actorRole: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'int', name: 'definition_version', nullable: true })
  definitionVersion: number | null;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;
}
