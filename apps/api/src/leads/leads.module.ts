import { Module } from '@nestjs/common';
import { LeadsResolver } from './leads.resolver';
import { LeadsService } from './leads.service';

@Module({ providers: [LeadsResolver, LeadsService], exports: [LeadsService] })
export class LeadsModule {}
