import { OutOfOfficeEntity, TeamEntity, UserEntity } from '../../../../libs/persistence/src';
import { toCalendarType } from './calendar.mapper';
import { OutOfOfficeType, RepType, TeamType, UserType } from './dto/rep.type';

/** Entities never leave the service layer as GraphQL types; these map them to DTOs. */
export function toRepType(u: UserEntity): RepType {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: u.active,
    teamId: u.teamId ?? undefined,
    managerId: u.managerId ?? undefined,
    maxOpenLeads: u.maxOpenLeads,
    routingWeight: u.routingWeight,
    notificationWebhookUrl: u.notificationWebhookUrl ?? undefined,
    calendar: toCalendarType(u.calendar) ?? undefined,
  };
}

export function toUserType(u: UserEntity): UserType {
  return { id: u.id, email: u.email, name: u.name, role: u.role, active: u.active, teamId: u.teamId ?? undefined, managerId: u.managerId ?? undefined };
}

export function toOutOfOfficeType(o: OutOfOfficeEntity): OutOfOfficeType {
  return { id: o.id, repId: o.userId, startsAt: o.startsAt, endsAt: o.endsAt };
}

export function toTeamType(t: TeamEntity): TeamType {
  return { id: t.id, name: t.name, managerId: t.managerId ?? undefined };
}
