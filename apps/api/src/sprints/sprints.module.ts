import { Module } from '@nestjs/common';
import { KpisModule } from '../kpis/kpis.module';
import { SprintsResolver } from './sprints.resolver';
import { SprintsService } from './sprints.service';

@Module({ imports: [KpisModule], providers: [SprintsResolver, SprintsService], exports: [SprintsService] })
export class SprintsModule {}
