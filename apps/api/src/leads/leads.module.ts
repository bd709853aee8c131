import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { LeadCommandsService } from './lead-commands.service';
import { LeadReadService } from './lead-read.service';
import { LeadsResolver } from './leads.resolver';
import { LeadsService } from './leads.service';

@Module({ imports: [IngestModule], providers: [LeadsResolver, LeadsService, LeadReadService, LeadCommandsService], exports: [LeadsService] })
export class LeadsModule {}
