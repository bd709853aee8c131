import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { FieldViolation } from '../../../../libs/contracts/src';
import { OutOfOfficeEntity, TeamEntity, UserEntity } from '../../../../libs/persistence/src';
import { assertUuid, badInput, notFound } from '../common/errors';
import { OPEN_LEAD_STAGES } from '../../../../libs/domain/src';
import { LEAD_OWNER_ROLES } from '../../../../libs/persistence/src/routing/routing-input.loader';
import { calendarFromInput } from './calendar.mapper';
import { AddOutOfOfficeInput } from './dto/add-out-of-office.input';
import { UpdateRepRoutingInput } from './dto/update-rep-routing.input';

const isLeadOwner = (u: UserEntity | null): u is UserEntity => !!u && (LEAD_OWNER_ROLES as readonly string[]).includes(u.role);

/** Reps' routing profiles: capacity, weight, team, manager, business calendar and absences. */
@Injectable()
export class RepsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(teamId?: string): Promise<UserEntity[]> {
    if (teamId !== undefined) assertUuid('teamId', teamId);
    return this.db.getRepository(UserEntity).find({ where: { role: In([...LEAD_OWNER_ROLES]), ...(teamId ? { teamId } : {}) }, order: { name: 'ASC', id: 'ASC' } });
  }

  async get(id: string, field = 'id'): Promise<UserEntity> {
    assertUuid(field, id);
    const user = await this.db.getRepository(UserEntity).findOneBy({ id });
    if (!isLeadOwner(user)) throw notFound('Rep', id);
    return user;
  }

  async updateRouting(input: UpdateRepRoutingInput): Promise<UserEntity> {
    const rep = await this.get(input.repId, 'repId');
    const calendar = input.calendar ? calendarFromInput(input.calendar) : undefined;
    const violations: FieldViolation[] = [];
    if (input.teamId && !(await this.db.getRepository(TeamEntity).existsBy({ id: input.teamId }))) {
      violations.push({ field: 'teamId', rule: 'EXISTS', message: `no team ${input.teamId}` });
    }
    if (input.managerId) violations.push(...(await managerViolations(this.db, 'managerId', input.managerId, rep.id)));
    if (violations.length) throw badInput(violations);

    const patch: QueryDeepPartialEntity<UserEntity> = {};
    if (input.active !== undefined && input.active !== null) patch.active = input.active;
    if (input.maxOpenLeads !== undefined && input.maxOpenLeads !== null) patch.maxOpenLeads = input.maxOpenLeads;
    if (input.routingWeight !== undefined && input.routingWeight !== null) patch.routingWeight = input.routingWeight;
    if (input.teamId !== undefined) patch.teamId = input.teamId;
    if (input.managerId !== undefined) patch.managerId = input.managerId;
    if (input.notificationWebhookUrl !== undefined && input.notificationWebhookUrl !== null) patch.notificationWebhookUrl = input.notificationWebhookUrl || null;
    if (calendar) patch.calendar = calendar as never; // a jsonb column: TypeORM serialises the object
    if (Object.keys(patch).length) await this.db.getRepository(UserEntity).update({ id: rep.id }, patch);
    return this.get(rep.id);
  }

  async addOutOfOffice(input: AddOutOfOfficeInput): Promise<OutOfOfficeEntity> {
    const rep = await this.get(input.repId, 'repId');
    if (!(input.endsAt > input.startsAt)) throw badInput([{ field: 'endsAt', rule: 'AFTER_START', message: 'must be after startsAt' }]);
    const repo = this.db.getRepository(OutOfOfficeEntity);
    return repo.save(repo.create({ userId: rep.id, startsAt: input.startsAt, endsAt: input.endsAt }));
  }

  async removeOutOfOffice(id: string): Promise<boolean> {
    assertUuid('id', id);
    const result = await this.db.getRepository(OutOfOfficeEntity).delete({ id });
    if (!result.affected) throw notFound('Out-of-office period', id);
    return true;
  }

  /** Batched: current and coming absences of many reps (past ones are history, not shown). */
  async outOfOffice(repIds: readonly string[], now: Date): Promise<OutOfOfficeEntity[][]> {
    const rows = await this.db.getRepository(OutOfOfficeEntity).find({ where: { userId: In([...repIds]), endsAt: MoreThan(now) }, order: { startsAt: 'ASC' } });
    return repIds.map((id) => rows.filter((r) => r.userId === id));
  }

  /** Batched: leads each rep owns in an open stage (what max open leads is compared with). */
  async openLeads(repIds: readonly string[]): Promise<number[]> {
    const rows: { owner_id: string; n: string }[] = await this.db.query(
      'SELECT owner_id, count(*) AS n FROM lead WHERE owner_id = ANY($1::uuid[]) AND stage = ANY($2::text[]) GROUP BY owner_id',
      [[...repIds], [...OPEN_LEAD_STAGES]],
    );
    return repIds.map((id) => Number(rows.find((r) => r.owner_id === id)?.n ?? 0));
  }
}

/** A manager reference must be an active SALES_MANAGER (and not the rep themself). */
export async function managerViolations(db: DataSource, field: string, managerId: string, selfId?: string): Promise<FieldViolation[]> {
  if (managerId === selfId) return [{ field, rule: 'NOT_SELF', message: 'a rep cannot be their own manager' }];
  const manager = await db.getRepository(UserEntity).findOneBy({ id: managerId });
  if (!manager || manager.role !== 'SALES_MANAGER' || !manager.active) return [{ field, rule: 'EXISTS', message: `no active SALES_MANAGER ${managerId}` }];
  return [];
}
