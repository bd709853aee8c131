import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Role as RoleName } from '../../../../../libs/contracts/src';
import { CalendarType } from './calendar.input';
import { Role } from './role.enum';

@ObjectType('OutOfOffice', { description: 'A period [startsAt, endsAt) in which the rep receives no routed leads.' })
export class OutOfOfficeType {
  @Field(() => ID) id: string;
  @Field(() => ID) repId: string;
  @Field(() => GraphQLISODateTime) startsAt: Date;
  @Field(() => GraphQLISODateTime) endsAt: Date;
}

@ObjectType('User')
export class UserType {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field() name: string;
  @Field(() => Role) role: RoleName;
  @Field() active: boolean;
  @Field(() => ID, { nullable: true }) teamId?: string;
  @Field(() => ID, { nullable: true }) managerId?: string;
}

@ObjectType('Rep', { description: 'A user who can own leads (SALES_REP or SALES_MANAGER) with their routing profile.' })
export class RepType {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field() name: string;
  @Field(() => Role) role: RoleName;
  @Field({ description: 'Inactive reps receive no routed leads.' }) active: boolean;
  @Field(() => ID, { nullable: true }) teamId?: string;
  @Field(() => ID, { nullable: true, description: 'Direct manager; when absent the team\'s manager is escalated to.' }) managerId?: string;
  @Field(() => Int, { description: 'Routing skips the rep at this many open leads (MQL, SAL, SQL, OPPORTUNITY).' }) maxOpenLeads: number;
  @Field(() => Int, { description: 'Share in WEIGHTED_ROUND_ROBIN pools; 0 takes no turns.' }) routingWeight: number;
  @Field({ nullable: true, description: 'Webhook the rep\'s notifications are also delivered to.' }) notificationWebhookUrl?: string;
  @Field(() => CalendarType, { nullable: true, description: 'Business hours; a rep without one is skipped by routing (no SLA clock could run).' }) calendar?: CalendarType;
}

@ObjectType('Team')
export class TeamType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => ID, { nullable: true }) managerId?: string;
}
