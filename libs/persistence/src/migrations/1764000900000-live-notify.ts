import { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel the API's live feed listens on (apps/api/src/live/live-feed.service.ts). */
export const LIVE_CHANNEL = 'baton_live';

/**
 * The live feed's wake-up: a queue change (an assignment or reassignment notification) and an
 * SLA breach NOTIFY `baton_live` from the writing transaction. NOTIFY is delivered at commit,
 * in commit order, so a row of a transaction that started early but committed late is not
 * skipped the way a (created_at, id) cursor skipped it. Every listener on the database
 * receives the payload, so it carries ids, kinds and instants only, never names or emails
 * (and stays far below NOTIFY's 8000-byte limit). A bulk writer (the historical import) sets
 * baton.live_notify = 'off' for its transaction: history is not news.
 */
export class LiveNotify1764000900000 implements MigrationInterface {
  name = 'LiveNotify1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION live_notify_queue_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('baton.live_notify', true) IS DISTINCT FROM 'off' THEN
          PERFORM pg_notify('${LIVE_CHANNEL}', json_build_object('table', 'notification', 'id', NEW.id, 'kind', NEW.kind, 'lead_id', NEW.lead_id,
            'recipient_id', NEW.recipient_id, 'created_at', NEW.created_at)::text);
        END IF;
        RETURN NULL;
      END $$`);
    // Only the kinds the feed streams: other notifications (sprints, approvals) wake nobody.
    await q.query(`CREATE TRIGGER notification_live AFTER INSERT ON notification FOR EACH ROW
      WHEN (NEW.kind IN ('LEAD_ASSIGNED', 'LEAD_REASSIGNED')) EXECUTE FUNCTION live_notify_queue_change()`);
    await q.query(`
      CREATE FUNCTION live_notify_breach() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('baton.live_notify', true) IS DISTINCT FROM 'off' THEN
          PERFORM pg_notify('${LIVE_CHANNEL}', json_build_object('table', 'sla_breach', 'id', NEW.id, 'kind', NEW.kind, 'lead_id', NEW.lead_id,
            'owner_id', NEW.owner_id, 'manager_id', NEW.manager_id, 'due_at', NEW.due_at, 'breached_at', NEW.breached_at)::text);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER sla_breach_live AFTER INSERT ON sla_breach FOR EACH ROW EXECUTE FUNCTION live_notify_breach()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER sla_breach_live ON sla_breach');
    await q.query('DROP FUNCTION live_notify_breach()');
    await q.query('DROP TRIGGER notification_live ON notification');
    await q.query('DROP FUNCTION live_notify_queue_change()');
  }
}
