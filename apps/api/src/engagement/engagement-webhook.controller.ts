import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BatonConfig } from '../../../../libs/runtime/src';
import { Public } from '../auth/roles.decorator';
import { badInput } from '../common/errors';
import { checkInput, unknownKeyField } from '../common/validation.pipe';
import { BATON_CONFIG } from '../config/config.module';
import { RecordEngagementInput } from './dto/record-engagement.input';
import { EngagementBatchService } from './engagement-batch.service';
import { EngagementService } from './engagement.service';
import { webhookError } from './webhook-body';

/** How old a signed request may be before it is refused as a possible replay. */
export const WEBHOOK_REPLAY_WINDOW_S = 300;

/** The signature an integration sends: hex HMAC-SHA256 over `<timestamp>.<raw body>`. */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

type HttpResponse = { status(code: number): { json(body: unknown): void } };
type Refuse = (status: number, code: string, message: string, extra?: Record<string, unknown>) => void;

const refusal = (res: HttpResponse): Refuse => (status, code, message, extra = {}) => webhookError(res, status, code, message, extra);

/** Unix seconds in decimal digits, nothing else (`Number()` would also take `0x…`, `1e9`, ` 12 `). */
const DECIMAL_SECONDS = /^\d{1,12}$/;

/** A typed service error as the webhook answers it. */
function refuseTyped(refuse: Refuse, e: unknown): void {
  if (!(e instanceof GraphQLError)) throw e;
  const code = String(e.extensions.code);
  refuse(code === 'BAD_USER_INPUT' ? 400 : code === 'CONFLICT' ? 409 : 503, code, e.message, e.extensions as Record<string, unknown>);
}

/**
 * Signed HTTP ingest for integrations (web forms, tracking, CRMs). Authenticated by the
 * HMAC signature, not a bearer token. `POST /webhooks/engagement`: the body is the
 * RecordEngagementInput as JSON. `POST /webhooks/engagement/batch`: `{ "events": [ … ] }`,
 * answered with one result per event (as GraphQL `recordEngagements`).
 */
@Controller('webhooks')
export class EngagementWebhookController {
  constructor(private readonly engagement: EngagementService, private readonly batch: EngagementBatchService, @Inject(BATON_CONFIG) private readonly config: BatonConfig) {}

  @Public()
  @Post('engagement')
  @HttpCode(202)
  async receive(@Req() req: { rawBody?: Buffer }, @Headers('x-baton-timestamp') ts: string | undefined, @Headers('x-baton-signature') sig: string | undefined, @Body() body: unknown, @Res() res: HttpResponse): Promise<void> {
    const refuse = refusal(res);
    const unsigned = this.signatureProblem(req, ts, sig);
    if (unsigned) return refuse(401, 'UNAUTHENTICATED', unsigned.message, { field: unsigned.field });

    const { input, violations } = await checkInput(RecordEngagementInput, body ?? {});
    if (violations.length) return refuseTyped(refuse, badInput(violations));
    try {
      const result = await this.engagement.record(input, 'WEBHOOK');
      res.status(result.recorded ? 202 : 200).json(result);
    } catch (e) {
      refuseTyped(refuse, e);
    }
  }

  /** 200 with `{ results }` whenever the batch itself is well-formed, whatever became of each event. */
  @Public()
  @Post('engagement/batch')
  @HttpCode(200)
  async receiveBatch(@Req() req: { rawBody?: Buffer }, @Headers('x-baton-timestamp') ts: string | undefined, @Headers('x-baton-signature') sig: string | undefined, @Body() body: unknown, @Res() res: HttpResponse): Promise<void> {
    const refuse = refusal(res);
    const unsigned = this.signatureProblem(req, ts, sig);
    if (unsigned) return refuse(401, 'UNAUTHENTICATED', unsigned.message, { field: unsigned.field });

    const events = (body as { events?: unknown } | null)?.events;
    const others = body && typeof body === 'object' ? Object.keys(body).filter((k) => k !== 'events') : [];
    if (!Array.isArray(events) || others.length) {
      const violation = others.length
        ? { field: unknownKeyField(others[0], ''), rule: 'whitelistValidation', message: 'should not exist: the body is { "events": [ … ] }' }
        : { field: 'events', rule: 'isArray', message: 'must be an array of engagement events' };
      return refuseTyped(refuse, badInput([violation]));
    }
    try {
      res.status(200).json({ results: await this.batch.recordMany(events, 'WEBHOOK', 'events') });
    } catch (e) {
      refuseTyped(refuse, e);
    }
  }

  /**
   * Why the request is not authentic (null: it is): the timestamp's form and window, then the
   * HMAC over the raw body under the current or, while integrations rotate, the previous secret.
   */
  private signatureProblem(req: { rawBody?: Buffer }, ts: string | undefined, sig: string | undefined): { field: string; message: string } | null {
    const field = 'x-baton-timestamp';
    if (!ts || !DECIMAL_SECONDS.test(ts)) return { field, message: 'x-baton-timestamp header (unix seconds, decimal digits) is required' };
    const timestamp = Number(ts);
    if (Math.abs(Date.now() / 1000 - timestamp) > WEBHOOK_REPLAY_WINDOW_S) return { field, message: `x-baton-timestamp is outside the ${WEBHOOK_REPLAY_WINDOW_S}s replay window` };
    const raw = req.rawBody?.toString('utf8') ?? '';
    const given = Buffer.from(sig ?? '');
    const matches = (secret: string) => {
      const expected = Buffer.from(signWebhook(secret, timestamp, raw));
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    if (!this.config.webhookSecrets.some(matches)) return { field: 'x-baton-signature', message: 'x-baton-signature does not match the body' };
    return null;
  }
}
