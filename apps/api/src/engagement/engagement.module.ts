import { Module } from '@nestjs/common';
import { EngagementWebhookController } from './engagement-webhook.controller';
import { EngagementResolver } from './engagement.resolver';
import { EngagementService } from './engagement.service';

@Module({ providers: [EngagementResolver, EngagementService], controllers: [EngagementWebhookController], exports: [EngagementService] })
export class EngagementModule {}
