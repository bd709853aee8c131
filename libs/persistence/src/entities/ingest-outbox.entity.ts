import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const OUTBOX_KINDS = ['START', 'ENGAGEMENT'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
/** PENDING: not yet told; DELIVERED: the workflow was told; STORED: kept, not signalled (it cannot change the lead). */
export const OUTBOX_STATUSES = ['PENDING', 'DELIVERED', 'STORED'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * What a lead's workflow must be told about an accepted ingest (a capture or an engagement
 * event), written in the ingest's own transaction and delivered after the commit, in id order
 * per lead. Ids only: no personal data.
 */
@Entity('ingest_outbox')
export class IngestOutboxEntity {
  /** bigserial: the order of delivery within a lead. Strings, as pg returns int8. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'uuid', name: 'lead_id' }) leadId: string;
  @Column({ type: 'text' }) kind: OutboxKind;
  @Column({ type: 'uuid', name: 'event_id', nullable: true }) eventId: string | null;
  @Column({ type: 'text', default: 'PENDING' }) status: OutboxStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'timestamptz', name: 'next_attempt_at', default: () => 'now()' }) nextAttemptAt: Date;
  @Column({ type: 'text', name: 'last_error', nullable: true }) lastError: string | null;
  @Column({ type: 'text', name: 'lease_owner', nullable: true }) leaseOwner: string | null;
  @Column({ type: 'timestamptz', name: 'lease_until', nullable: true }) leaseUntil: Date | null;
  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
}
