import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * The lead's read model. The lead workflow is the source of truth for its lifecycle;
 * activities project every change here so lists, queues and KPIs are plain SQL.
 */
@Entity('lead')
export class LeadEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Lower-cased; one lead per person. */
  @Index({ unique: true })
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text', name: 'first_name', nullable: true })
  firstName: string | null;

  @Column({ type: 'text', name: 'last_name', nullable: true })
  lastName: string | null;

  @Column({ type: 'text', nullable: true })
  company: string | null;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'text', nullable: true })
  industry: string | null;

  @Column({ type: 'int', name: 'company_size', nullable: true })
  companySize: number | null;

  @Column({ type: 'text', nullable: true })
  country: string | null;

  @Column({ type: 'text', name: 'buying_role', nullable: true })
  buyingRole: string | null;

  @Column({ type: 'text' })
  source: string;

  /** First-touch attribution (UTM of the capture). */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  utm: Record<string, string>;

  @Column({ type: 'uuid', name: 'account_id', nullable: true })
  accountId: string | null;

  @Index()
  @Column({ type: 'text', default: 'FIRST_TOUCH' })
  stage: string;

  @Index()
  @Column({ type: 'uuid', name: 'owner_id', nullable: true })
  ownerId: string | null;

  @Column({ type: 'timestamptz', name: 'first_touch_at', nullable: true })
  firstTouchAt: Date | null;

  @Column({ type: 'int', name: 'recycle_count', default: 0 })
  recycleCount: number;

  @Column({ type: 'uuid', name: 'survivor_lead_id', nullable: true })
  survivorLeadId: string | null;

  @Column({ type: 'text', name: 'workflow_id' })
  workflowId: string;

  @Column({ type: 'boolean', default: false }) hot: boolean;
  @Column({ type: 'numeric', name: 'intent_score', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) intentScore: number;
  @Column({ type: 'int', name: 'definition_version', nullable: true }) definitionVersion: number | null;
  @Column({ type: 'timestamptz', name: 'mql_at', nullable: true }) mqlAt: Date | null;
  @Column({ type: 'timestamptz', name: 'routed_at', nullable: true }) routedAt: Date | null;
  @Column({ type: 'timestamptz', name: 'accepted_at', nullable: true }) acceptedAt: Date | null;
  @Column({ type: 'timestamptz', name: 'reengage_at', nullable: true }) reengageAt: Date | null;
  @Column({ type: 'boolean', name: 'sla_breached', default: false }) slaBreached: boolean;
  /** The person unsubscribed: no e-mail touches, in any stage. */
  @Column({ type: 'timestamptz', name: 'opted_out_at', nullable: true }) optedOutAt: Date | null;
  /** The address bounced: to be repaired. */
  @Column({ type: 'timestamptz', name: 'email_bounced_at', nullable: true }) emailBouncedAt: Date | null;
  /** The earliest pending due time (SLA clock or cadence step): orders a rep's queue. */
  @Column({ type: 'timestamptz', name: 'next_due_at', nullable: true }) nextDueAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
