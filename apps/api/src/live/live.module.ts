import { Module } from '@nestjs/common';
import { LiveFeedService } from './live-feed.service';
import { LiveResolver } from './live.resolver';

@Module({ providers: [LiveFeedService, LiveResolver] })
export class LiveModule {}
