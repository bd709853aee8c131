import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TeamEntity } from '../../../../libs/persistence/src';
import { badInput } from '../common/errors';
import { CreateTeamInput } from './dto/create-team.input';
import { managerViolations } from './reps.service';

@Injectable()
export class TeamsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(): Promise<TeamEntity[]> {
    return this.db.getRepository(TeamEntity).find({ order: { name: 'ASC' } });
  }

  async create(input: CreateTeamInput): Promise<TeamEntity> {
    const name = input.name.trim();
    const violations = input.managerId ? await managerViolations(this.db, 'managerId', input.managerId) : [];
    if (!name) violations.push({ field: 'name', rule: 'REQUIRED', message: 'must not be blank' });
    if (name && (await this.db.getRepository(TeamEntity).existsBy({ name }))) violations.push({ field: 'name', rule: 'UNIQUE', message: `a team named '${name}' exists` });
    if (violations.length) throw badInput(violations);
    const repo = this.db.getRepository(TeamEntity);
    return repo.save(repo.create({ name, managerId: input.managerId ?? null })).catch((e) => {
      if ((e as { driverError?: { code?: string } }).driverError?.code === '23505') throw badInput([{ field: 'name', rule: 'UNIQUE', message: `a team named '${name}' exists` }]);
      throw e;
    });
  }
}
