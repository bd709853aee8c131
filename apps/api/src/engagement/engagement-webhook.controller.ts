import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { GraphQLError } from 'graphql';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BatonConfig } from '../../../../libs/runtime/src';
import { Public } from '../auth/roles.decorator';
import { flattenValidationErrors } from '../common/validation.pipe';
import { BATON_CONFIG } from '../config/config.module';
import { RecordEngagementInput } from './dto/record-engagement.input';
import { EngagementService } from './engagement.service';

/** How old a signed request may be before it is refused as a possible replay. */
export const WEBHOOK_REPLAY_WINDOW_S = 300;

/** The signature an integration sends: hex HMAC-SHA256 over `<timestamp>.<raw body>`. */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

type HttpResponse = { status(code: number): { json(body: unknown): void } };

/**
 * Signed HTTP ingest for integrations (web forms, tracking, CRMs). Authenticated by the
 * HMAC signature, not a bearer token; the body is the RecordEngagementInput as JSON.
 */
@Controller('webhooks')
export class EngagementWebhookController {
  constructor(private readonly engagement: EngagementService, @Inject(BATON_CONFIG) private readonly config: BatonConfig) {}

  @Public()
  @Post('engagement')
  @HttpCode(202)
  async receive(@Req() req: { rawBody?: Buffer }, @Headers('x-baton-timestamp') ts: string | undefined, @Headers('x-baton-signature') sig: string | undefined, @Body() body: unknown, @Res() res: HttpResponse): Promise<void> {
    const refuse = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => res.status(status).json({ error: { code, message, ...extra } });
    const timestamp = Number(ts);
    if (!ts || !Number.isInteger(timestamp)) return refuse(401, 'UNAUTHENTICATED', 'x-baton-timestamp header (unix seconds) is required');
    if (Math.abs(Date.now() / 1000 - timestamp) > WEBHOOK_REPLAY_WINDOW_S) return refuse(401, 'UNAUTHENTICATED', `x-baton-timestamp is outside the ${WEBHOOK_REPLAY_WINDOW_S}s replay window`);
    const raw = req.rawBody?.toString('utf8') ?? '';
    const expected = Buffer.from(signWebhook(this.config.webhookSecret, timestamp, raw));
    const given = Buffer.from(sig ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse(401, 'UNAUTHENTICATED', 'x-baton-signature does not match the body');

    const input = plainToInstance(RecordEngagementInput, body ?? {});
    const errors = await validate(input, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      const violations = flattenValidationErrors(errors);
      return refuse(400, 'BAD_USER_INPUT', violations.map((v) => `${v.field}: ${v.message}`).join('; '), { field: violations[0].field, violations });
    }
    try {
      const result = await this.engagement.record(input, 'WEBHOOK');
      res.status(result.recorded ? 202 : 200).json(result);
    } catch (e) {
      if (e instanceof GraphQLError) {
        const code = String(e.extensions.code);
        return refuse(code === 'BAD_USER_INPUT' ? 400 : code === 'CONFLICT' ? 409 : 503, code, e.message, e.extensions as Record<string, unknown>);
      }
      throw e;
    }
  }
}
