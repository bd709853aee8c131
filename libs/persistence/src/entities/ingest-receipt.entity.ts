import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per accepted command or event, keyed by the caller's idempotency key, so a
 * retried capture or a re-delivered webhook is answered with the first result instead
 * of being counted twice.
 */
@Entity('ingest_receipt')
export class IngestReceiptEntity {
  @PrimaryColumn({ type: 'text', name: 'idempotency_key' })
  idempotencyKey: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'uuid', name: 'lead_id' })
  leadId: string;

  @Column({ type: 'text', name: 'request_hash' })
  requestHash: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
