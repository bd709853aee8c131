import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StageDefinitionContent } from '../../../domain/src';

export type StageDefinitionStatus = 'DRAFT' | 'PROPOSED' | 'CHANGES_REQUESTED' | 'EXPIRED' | 'ACTIVE' | 'SUPERSEDED';

/** One version of the handoff contract. Exactly one is ACTIVE (a partial unique index). */
@Entity('stage_definition')
export class StageDefinitionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'int', unique: true }) version: number;
  @Column({ type: 'text' }) status: StageDefinitionStatus;
  @Column({ type: 'jsonb' }) content: StageDefinitionContent;
  @Column({ type: 'text', name: 'created_by' }) createdBy: string;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'activated_at', nullable: true }) activatedAt: Date | null;
  @Column({ type: 'timestamptz', name: 'superseded_at', nullable: true }) supersededAt: Date | null;
  @Column({ type: 'int', name: 'based_on_version', nullable: true }) basedOnVersion: number | null;
  @Column({ type: 'text', name: 'proposed_by', nullable: true }) proposedBy: string | null;
  @Column({ type: 'timestamptz', name: 'proposed_at', nullable: true }) proposedAt: Date | null;
  @Column({ type: 'uuid', array: true, name: 'approver_ids', nullable: true }) approverIds: string[] | null;
  @Column({ type: 'timestamptz', nullable: true }) deadline: Date | null;
  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true }) closedAt: Date | null;
}

/** One approver's decision on a proposed version: the audit trail of who approved what, when, why. */
@Entity('stage_definition_approval')
export class StageDefinitionApprovalEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'definition_id' }) definitionId: string;
  @Column({ type: 'uuid', name: 'approver_id' }) approverId: string;
  @Column({ type: 'text' }) decision: 'APPROVED' | 'CHANGES_REQUESTED';
  @Column({ type: 'text' }) comment: string;
  @Column({ type: 'timestamptz', name: 'decided_at' }) decidedAt: Date;
}
