import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApplicationFailure } from '@temporalio/activity';
import { DataSource } from 'typeorm';
import type { NotificationActivities, NotifyInput } from '../../../../libs/contracts/src';
import { NotificationEntity, UserEntity } from '../../../../libs/persistence/src';

/**
 * The notification outbox. `notify` writes the in-app inbox row (idempotent by dedupe key);
 * `deliverWebhook` is the HTTP delivery adapter (Slack-compatible JSON `{ text, ... }`), run by
 * the notification's own delivery workflow with backoff; a delivery that gives up is FAILED
 * with its reason, and the inbox row stays.
 */
@Injectable()
export class NotificationActivitiesImpl implements NotificationActivities {
  private readonly logger = new Logger('notifications');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async notify(input: NotifyInput): Promise<{ notificationId: string; webhook: boolean }> {
    const recipient = await this.db.getRepository(UserEntity).findOne({ where: { id: input.recipientId }, select: { id: true, notificationWebhookUrl: true } });
    const webhook = Boolean(recipient?.notificationWebhookUrl);
    await this.db
      .createQueryBuilder()
      .insert()
      .into(NotificationEntity)
      .values({ dedupeKey: input.dedupeKey, recipientId: input.recipientId, kind: input.kind, leadId: input.leadId, payload: input.payload as never, webhookStatus: webhook ? 'PENDING' : 'NONE', webhookAttempts: 0 })
      .orIgnore()
      .execute();
    const row = await this.db.getRepository(NotificationEntity).findOneOrFail({ where: { dedupeKey: input.dedupeKey }, select: { id: true, webhookStatus: true } });
    return { notificationId: row.id, webhook: row.webhookStatus === 'PENDING' };
  }

  async deliverWebhook({ notificationId }: { notificationId: string }): Promise<{ delivered: boolean }> {
    const repo = this.db.getRepository(NotificationEntity);
    const n = await repo.findOneByOrFail({ id: notificationId });
    if (n.webhookStatus === 'DELIVERED') return { delivered: true };
    const recipient = await this.db.getRepository(UserEntity).findOneByOrFail({ id: n.recipientId });
    if (!recipient.notificationWebhookUrl) {
      await repo.update({ id: n.id }, { webhookStatus: 'NONE' });
      return { delivered: false };
    }
    await repo.increment({ id: n.id }, 'webhookAttempts', 1);
    const body = { text: describe(n.kind, n.payload), kind: n.kind, leadId: n.leadId, payload: n.payload, notificationId: n.id };
    let status: number;
    try {
      const res = await fetch(recipient.notificationWebhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': n.id }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      status = res.status;
    } catch (e) {
      throw new Error(`webhook unreachable: ${(e as Error).message}`); // retried by Temporal
    }
    if (status >= 500 || status === 429) throw new Error(`webhook answered ${status}`); // retried
    if (status >= 400) {
      this.logger.warn(`webhook for notification ${n.id} refused with ${status}; kept in the in-app inbox`);
      throw ApplicationFailure.nonRetryable(`webhook refused the notification with ${status}`, 'WEBHOOK_REFUSED');
    }
    await repo.update({ id: n.id }, { webhookStatus: 'DELIVERED', deliveredAt: new Date() });
    return { delivered: true };
  }

  async recordDeliveryFailure({ notificationId, reason }: { notificationId: string; reason: string }): Promise<void> {
    await this.db.getRepository(NotificationEntity).update({ id: notificationId, webhookStatus: 'PENDING' }, { webhookStatus: 'FAILED', webhookFailure: reason.slice(0, 500) });
  }
}

function describe(kind: string, payload: Record<string, unknown>): string {
  switch (kind) {
    case 'LEAD_ASSIGNED':
      return `New ${payload.demoRequest ? 'demo request' : payload.hot ? 'hot lead' : 'lead'} assigned to you (lead ${payload.leadId}).`;
    case 'LEAD_REASSIGNED':
      return `Lead ${payload.leadId} was reassigned to you: ${payload.reason ?? ''}`;
    case 'SLA_BREACH':
      return `SLA breach: ${payload.kind} for lead ${payload.leadId} was due ${payload.dueAt}.`;
    case 'LEAD_OPTED_OUT':
      return `Lead ${payload.leadId} opted out of e-mail (${payload.stage}).`;
    case 'EMAIL_BOUNCED':
      return `E-mail to lead ${payload.leadId} bounced (${payload.stage}): the address needs repair.`;
    default:
      return `${kind} for lead ${payload.leadId}`;
  }
}
