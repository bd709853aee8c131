import { Injectable, Logger, BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { OutboxService } from './outbox.service';

/** How often the relay looks for due rows when it is idle. */
export const RELAY_POLL_MS = 500;
/** Leads handled per pass (bounded work; a full pass is followed by another at once). */
export const RELAY_LEADS_PER_PASS = 40;
/** Leads delivered at once: one lead's rows stay in order, different leads need not wait for each other. */
export const RELAY_LANES = 8;
/** How often, and after how long, delivered events that no evaluation took into account are queued again. */
export const REDELIVERY_SWEEP_MS = 10_000;
export const REDELIVER_AFTER_MS = 30_000;

/**
 * Delivers what ingest could not deliver right away (Temporal down or slow): polls the
 * outbox for leads whose oldest pending row is due, claims each lead and delivers its rows in
 * order. Several API instances share the work (claims are exclusive). While Temporal is
 * unreachable it waits out the backoff instead of trying every lead.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('IngestRelay');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private nextSweep = 0;

  constructor(private readonly outbox: OutboxService) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule(0);
    this.logger.log('ingest relay started');
  }

  // Before the database and Temporal connections close.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .then((more) => this.schedule(more ? 0 : RELAY_POLL_MS))
        .catch((e) => {
          this.logger.warn(`relay pass failed: ${(e as Error).name}: ${(e as Error).message}`);
          this.schedule(RELAY_POLL_MS * 4);
        });
    }, ms);
  }

  /** One bounded pass; true when there may be more due work right now. */
  async pass(): Promise<boolean> {
    const wait = this.outbox.probeAt - Date.now();
    if (wait > 0) return false;
    if (Date.now() >= this.nextSweep) {
      this.nextSweep = Date.now() + REDELIVERY_SWEEP_MS;
      await this.outbox.requeueUnevaluated(REDELIVER_AFTER_MS, RELAY_LEADS_PER_PASS * 5);
    }
    const leads = await this.outbox.dueLeads(RELAY_LEADS_PER_PASS);
    // The first lead alone: after an outage it is the probe, and one failure is enough.
    const [first, ...rest] = leads;
    if (first && !(await this.outbox.deliverLead(first))) return false;
    let reachable = true;
    const lane = async () => {
      for (let leadId = rest.shift(); leadId && reachable && !this.stopped; leadId = rest.shift()) {
        if (!(await this.outbox.deliverLead(leadId))) reachable = false;
      }
    };
    await Promise.all(Array.from({ length: RELAY_LANES }, lane));
    // Temporal unreachable: stop here; the next pass after the backoff probes again.
    if (!reachable || this.stopped) return false;
    return leads.length === RELAY_LEADS_PER_PASS;
  }
}
