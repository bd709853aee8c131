import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A company; its owner wins routing for every lead matched to it (lead-to-account matching by domain). */
@Entity('account')
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', unique: true }) domain: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) industry: string | null;
  @Column({ type: 'int', name: 'company_size', nullable: true }) companySize: number | null;
  @Column({ type: 'uuid', name: 'owner_id', nullable: true }) ownerId: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
}
