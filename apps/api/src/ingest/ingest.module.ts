import { Module } from '@nestjs/common';
import { OutboxRelayService } from './outbox-relay.service';
import { OutboxService } from './outbox.service';

/** The ingest outbox and its relay (docs/architecture.md). */
@Module({ providers: [OutboxService, OutboxRelayService], exports: [OutboxService] })
export class IngestModule {}
