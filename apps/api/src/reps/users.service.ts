import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ErrorCode, FieldViolation } from '../../../../libs/contracts/src';
import { TeamEntity, UserEntity } from '../../../../libs/persistence/src';
import type { Principal } from '../auth/auth.types';
import { assertUuid, badInput, domainError, notFound } from '../common/errors';
import { LEAD_OWNER_ROLES } from '../../../../libs/persistence/src/routing/routing-input.loader';
import { calendarFromInput } from './calendar.mapper';
import { CreateUserInput } from './dto/create-user.input';
import { managerViolations } from './reps.service';

/** Administration of users and roles (ADMIN). Users are deactivated, never deleted: history points at them. */
@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(input: CreateUserInput): Promise<UserEntity> {
    const email = input.email.trim().toLowerCase();
    const ownsLeads = (LEAD_OWNER_ROLES as readonly string[]).includes(input.role);
    const calendar = input.calendar ? calendarFromInput(input.calendar) : undefined;
    const violations: FieldViolation[] = [];
    if (ownsLeads && !calendar) violations.push({ field: 'calendar', rule: 'REQUIRED', message: `a ${input.role} needs business hours (routing and SLA clocks run on them)` });
    if (await this.db.getRepository(UserEntity).existsBy({ email })) violations.push({ field: 'email', rule: 'UNIQUE', message: 'a user with this email exists' });
    if (input.teamId && !(await this.db.getRepository(TeamEntity).existsBy({ id: input.teamId }))) violations.push({ field: 'teamId', rule: 'EXISTS', message: `no team ${input.teamId}` });
    if (input.managerId) violations.push(...(await managerViolations(this.db, 'managerId', input.managerId)));
    if (violations.length) throw badInput(violations);
    const repo = this.db.getRepository(UserEntity);
    return repo
      .save(
        repo.create({
          email,
          name: input.name.trim(),
          role: input.role,
          teamId: input.teamId ?? null,
          managerId: input.managerId ?? null,
          active: true,
          calendar: (calendar ?? null) as Record<string, unknown> | null,
          maxOpenLeads: input.maxOpenLeads ?? 50,
          routingWeight: input.routingWeight ?? 1,
        }),
      )
      .catch((e) => {
        if ((e as { driverError?: { code?: string } }).driverError?.code === '23505') throw badInput([{ field: 'email', rule: 'UNIQUE', message: 'a user with this email exists' }]);
        throw e;
      });
  }

  /** Takes effect at once: the guard checks `active` on every request; routing skips the user. */
  async deactivate(principal: Principal, id: string): Promise<UserEntity> {
    assertUuid('id', id);
    if (id === principal.userId) throw domainError(ErrorCode.FORBIDDEN, 'An administrator cannot deactivate themself');
    const repo = this.db.getRepository(UserEntity);
    if (!(await repo.existsBy({ id }))) throw notFound('User', id);
    await repo.update({ id }, { active: false });
    return repo.findOneByOrFail({ id });
  }
}
