import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../../contracts/src/roles';

/** A person (or an integration) that acts in Baton. Reps carry their routing profile. */
@Entity('app_user')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'uuid', nullable: true, name: 'team_id' })
  teamId: string | null;

  @Column({ type: 'uuid', nullable: true, name: 'manager_id' })
  managerId: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Business calendar (IANA timezone, weekly hours, holidays) used by SLA clocks and cadences. */
  @Column({ type: 'jsonb', nullable: true })
  calendar: Record<string, unknown> | null;

  @Column({ type: 'int', name: 'max_open_leads', default: 50 })
  maxOpenLeads: number;

  @Column({ type: 'int', name: 'routing_weight', default: 1 })
  routingWeight: number;

  /** Where the webhook delivery adapter posts this user's notifications (e.g. a Slack-compatible hook). */
  @Column({ type: 'text', name: 'notification_webhook_url', nullable: true })
  notificationWebhookUrl: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
