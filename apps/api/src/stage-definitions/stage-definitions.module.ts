import { Module } from '@nestjs/common';
import { StageDefinitionsResolver } from './stage-definitions.resolver';
import { StageDefinitionsService } from './stage-definitions.service';

@Module({ providers: [StageDefinitionsResolver, StageDefinitionsService] })
export class StageDefinitionsModule {}
