import { Module } from '@nestjs/common';
import { SprintsModule } from '../sprints/sprints.module';
import { StageDefinitionsResolver } from './stage-definitions.resolver';
import { StageDefinitionsService } from './stage-definitions.service';

@Module({ imports: [SprintsModule], providers: [StageDefinitionsResolver, StageDefinitionsService] })
export class StageDefinitionsModule {}
