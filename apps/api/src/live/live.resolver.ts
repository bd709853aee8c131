import { Field, GraphQLISODateTime, ID, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Roles } from '../auth/roles.decorator';
import { BreachEvent, LiveFeedService, QueueEvent } from './live-feed.service';

@ObjectType('QueueChange', { description: 'A lead entered the rep\'s queue (assigned or reassigned to them).' })
export class QueueChangeType {
  @Field() kind: string;
  @Field(() => ID) leadId: string;
  @Field(() => GraphQLISODateTime) at: Date;
}

@ObjectType('SlaBreachEvent')
export class SlaBreachEventType {
  @Field(() => ID) leadId: string;
  @Field() kind: string;
  @Field(() => ID, { nullable: true }) ownerId?: string;
  @Field(() => ID, { nullable: true }) managerId?: string;
  @Field(() => GraphQLISODateTime) dueAt: Date;
  @Field(() => GraphQLISODateTime) breachedAt: Date;
}

/** Real-time feeds over graphql-ws (connectionParams: { authorization: 'Bearer <token>' }). */
@Resolver()
export class LiveResolver {
  constructor(private readonly feed: LiveFeedService) {}

  @Subscription(() => QueueChangeType, { description: 'Leads entering the calling rep\'s queue.' })
  @Roles('SALES_REP', 'SALES_MANAGER')
  queueChanged(@CurrentPrincipal() principal: Principal) {
    return this.feed.listen<QueueEvent>('queue', (e) => e.recipientId === principal.userId, 'queueChanged');
  }

  @Subscription(() => SlaBreachEventType, { description: 'SLA breaches: a rep sees their own, a manager their team\'s, RevOps and admins all.' })
  @Roles('SALES_REP', 'SALES_MANAGER', 'REVOPS', 'ADMIN')
  slaBreached(@CurrentPrincipal() principal: Principal) {
    const mine = (e: BreachEvent) =>
      principal.role === 'REVOPS' || principal.role === 'ADMIN' || (principal.role === 'SALES_MANAGER' ? e.managerId === principal.userId || e.ownerId === principal.userId : e.ownerId === principal.userId);
    return this.feed.listen<BreachEvent>('breach', mine, 'slaBreached');
  }
}
