import { Module } from '@nestjs/common';
import { SprintsResolver } from './sprints.resolver';
import { SprintsService } from './sprints.service';

@Module({ providers: [SprintsResolver, SprintsService], exports: [SprintsService] })
export class SprintsModule {}
