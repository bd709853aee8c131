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
}
