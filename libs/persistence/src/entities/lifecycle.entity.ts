import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One handoff evaluation that qualified (MQL) or was held INCOMPLETE, with its explanation and brief. */
@Entity('handoff')
export class HandoffEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', name: 'step_key', unique: true }) stepKey: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId: string;
  @Column({ type: 'text' }) outcome: 'MQL' | 'INCOMPLETE';
  @Column({ type: 'timestamptz', name: 'evaluated_at' }) evaluatedAt: Date;
  @Column({ type: 'int', name: 'definition_version' }) definitionVersion: number;
  @Column({ type: 'boolean' }) hot: boolean;
  @Column({ type: 'boolean', name: 'demo_request' }) demoRequest: boolean;
  @Column({ type: 'numeric', name: 'intent_score', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) intentScore: number;
  @Column({ type: 'jsonb', name: 'score_breakdown' }) scoreBreakdown: unknown;
  @Column({ type: 'jsonb' }) triggers: unknown;
  @Column({ type: 'text', array: true, name: 'missing_fields' }) missingFields: string[];
  @Column({ type: 'jsonb', nullable: true }) brief: Record<string, unknown> | null;
}

export type SlaClockStatus = 'PENDING' | 'MET' | 'BREACHED' | 'CANCELLED';

@Entity('sla_clock')
export class SlaClockEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', name: 'step_key', unique: true }) stepKey: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'uuid', name: 'owner_id', nullable: true }) ownerId: string | null;
  @Column({ type: 'timestamptz', name: 'started_at' }) startedAt: Date;
  @Column({ type: 'timestamptz', name: 'due_at' }) dueAt: Date;
  @Column({ type: 'text' }) status: SlaClockStatus;
  @Column({ type: 'timestamptz', name: 'met_at', nullable: true }) metAt: Date | null;
  @Column({ type: 'timestamptz', name: 'breached_at', nullable: true }) breachedAt: Date | null;
}

/** A missed clock: a permanent record (a database trigger refuses updates and deletes). */
@Entity('sla_breach')
export class SlaBreachEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'clock_id', unique: true }) clockId: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId: string;
  @Column({ type: 'uuid', name: 'owner_id', nullable: true }) ownerId: string | null;
  @Column({ type: 'uuid', name: 'manager_id', nullable: true }) managerId: string | null;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'timestamptz', name: 'due_at' }) dueAt: Date;
  @Column({ type: 'timestamptz', name: 'breached_at' }) breachedAt: Date;
}

@Entity('touch')
export class TouchEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', name: 'step_key', unique: true }) stepKey: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId: string;
  @Column({ type: 'uuid', name: 'rep_id' }) repId: string;
  @Column({ type: 'text' }) channel: string;
  @Column({ type: 'text' }) outcome: string;
  @Column({ type: 'timestamptz', name: 'occurred_at' }) occurredAt: Date;
  @Column({ type: 'timestamptz', name: 'logged_at' }) loggedAt: Date;
  @Column({ type: 'int', name: 'cadence_step', nullable: true }) cadenceStep: number | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
}

@Entity('cadence_step')
export class CadenceStepEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId: string;
  /** Which MQL cycle of the lead (a recycled lead that returns starts a new cycle). */
  @Column({ type: 'int' }) cycle: number;
  @Column({ type: 'int' }) step: number;
  @Column({ type: 'int' }) day: number;
  @Column({ type: 'text' }) channel: string;
  @Column({ type: 'timestamptz', name: 'due_at' }) dueAt: Date;
  /** The step's window; NULL on steps planned before windows existed. */
  @Column({ type: 'timestamptz', name: 'opens_at', nullable: true }) opensAt: Date | null;
  @Column({ type: 'timestamptz', name: 'closes_at', nullable: true }) closesAt: Date | null;
  @Column({ type: 'timestamptz', name: 'done_at', nullable: true }) doneAt: Date | null;
  @Column({ type: 'uuid', name: 'touch_id', nullable: true }) touchId: string | null;
}

/** The notification outbox: the row is the in-app inbox entry; webhook delivery is tracked on it. */
@Entity('notification')
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', name: 'dedupe_key', unique: true }) dedupeKey: string;
  @Column({ type: 'uuid', name: 'recipient_id' }) recipientId: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'uuid', name: 'lead_id', nullable: true }) leadId: string | null;
  @Column({ type: 'jsonb' }) payload: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'text', name: 'webhook_status' }) webhookStatus: 'NONE' | 'PENDING' | 'DELIVERED' | 'FAILED';
  @Column({ type: 'int', name: 'webhook_attempts' }) webhookAttempts: number;
  /** Why the delivery gave up (status code or error; no personal data). */
  @Column({ type: 'text', name: 'webhook_failure', nullable: true }) webhookFailure: string | null;
  @Column({ type: 'timestamptz', name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
  @Column({ type: 'timestamptz', name: 'read_at', nullable: true }) readAt: Date | null;
}

@Entity('opportunity')
export class OpportunityEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', name: 'step_key', unique: true }) stepKey: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId: string;
  @Column({ type: 'uuid', name: 'account_id', nullable: true }) accountId: string | null;
  @Column({ type: 'uuid', name: 'owner_id', nullable: true }) ownerId: string | null;
  @Column({ type: 'numeric', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) amount: number;
  @Column({ type: 'timestamptz', name: 'expected_close_at' }) expectedCloseAt: Date;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'text' }) status: 'OPEN' | 'WON' | 'LOST';
  @Column({ type: 'timestamptz', name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column({ type: 'text', name: 'close_reason', nullable: true }) closeReason: string | null;
  @Column({ type: 'jsonb' }) bant: Record<string, unknown>;
}
