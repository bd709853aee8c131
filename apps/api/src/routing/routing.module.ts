import { Module } from '@nestjs/common';
import { RoutingResolver } from './routing.resolver';
import { RoutingService } from './routing.service';

@Module({ providers: [RoutingResolver, RoutingService], exports: [RoutingService] })
export class RoutingModule {}
