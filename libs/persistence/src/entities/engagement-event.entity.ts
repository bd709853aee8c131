import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An accepted engagement event; the idempotency key makes re-delivery count once. */
@Entity('engagement_event')
export class EngagementEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', name: 'idempotency_key', unique: true }) idempotencyKey: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId: string;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'timestamptz', name: 'occurred_at' }) occurredAt: Date;
  @Column({ type: 'timestamptz', name: 'received_at' }) receivedAt: Date;
  @Column({ type: 'text', nullable: true }) channel: string | null;
  @Column({ type: 'text', nullable: true }) campaign: string | null;
  @Column({ type: 'jsonb' }) utm: Record<string, string>;
  @Column({ type: 'text', nullable: true }) url: string | null;
  @Column({ type: 'text', name: 'content_title', nullable: true }) contentTitle: string | null;
  /** GRAPHQL or WEBHOOK: how the event reached Baton. */
  @Column({ type: 'text' }) via: string;
  /** Set aside by the handoff evaluation: no rule can read it (kept, never evaluated). */
  @Column({ type: 'timestamptz', name: 'quarantined_at', nullable: true }) quarantinedAt: Date | null;
  @Column({ type: 'text', name: 'quarantine_reason', nullable: true }) quarantineReason: string | null;
  /** When a handoff evaluation first took it into account (null: not yet). */
  @Column({ type: 'timestamptz', name: 'evaluated_at', nullable: true }) evaluatedAt: Date | null;
}
