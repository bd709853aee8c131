import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ingest outbox (docs/architecture.md): an accepted event or capture writes, in the same
 * transaction, what its lead's workflow must be told. The API delivers it right after the
 * commit when Temporal answers quickly; otherwise the relay delivers it later, per lead in
 * id order, with backoff. Rows carry ids only, never personal data.
 */
export class IngestOutbox1764000700000 implements MigrationInterface {
  name = 'IngestOutbox1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest_outbox (
        id bigserial PRIMARY KEY,
        lead_id uuid NOT NULL REFERENCES lead(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('START', 'ENGAGEMENT')),
        event_id uuid REFERENCES engagement_event(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'STORED')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        lease_owner text,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        CHECK ((kind = 'ENGAGEMENT') = (event_id IS NOT NULL))
      )`);
    // The relay's work list and each lead's queue: pending rows only, so the index stays small.
    await q.query(`CREATE INDEX ingest_outbox_pending_idx ON ingest_outbox (lead_id, id) WHERE status = 'PENDING'`);
    await q.query(`CREATE UNIQUE INDEX ingest_outbox_event_idx ON ingest_outbox (event_id) WHERE event_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingest_outbox');
  }
}
