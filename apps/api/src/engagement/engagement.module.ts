import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { EngagementBatchService } from './engagement-batch.service';
import { EngagementWebhookController } from './engagement-webhook.controller';
import { EngagementResolver } from './engagement.resolver';
import { EngagementService } from './engagement.service';

@Module({ imports: [IngestModule], providers: [EngagementResolver, EngagementService, EngagementBatchService], controllers: [EngagementWebhookController], exports: [EngagementService] })
export class EngagementModule {}
