import { DomainRuleError, FieldViolation } from '../field-violation';

const MS_PER_DAY = 86_400_000;
/** Time-decay half-life: a touch 7 days older than another gets half its weight. */
export const TIME_DECAY_HALF_LIFE_DAYS = 7;

export const ATTRIBUTION_MODELS = ['FIRST_TOUCH', 'LAST_TOUCH', 'LINEAR', 'U_SHAPED', 'W_SHAPED', 'TIME_DECAY'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

/** A marketing touchpoint of the lead behind an opportunity. */
export interface Touchpoint {
  id: string;
  at: Date;
  channel: string;
  campaign?: string;
  /** The touch that made the lead MQL (for the opportunity's MQL). */
  isMqlTouch?: boolean;
}

/** One touchpoint's credit for one opportunity. */
export interface AttributionCredit {
  touchpointId: string;
  at: Date;
  channel: string;
  campaign?: string;
  /** Fraction of the opportunity, 0 < share <= 1; the shares of one opportunity sum to 1. */
  share: number;
  /** Credit in cents; the cents of one opportunity sum exactly to its amount in cents. */
  amountCents: number;
  /** amountCents / 100. */
  amount: number;
}

/** Shares of the positions in the shaped models, before coincidences and normalisation. */
const U_SHAPED = { first: 0.4, mql: 0.4, last: 0, rest: 0.2 };
const W_SHAPED = { first: 0.3, mql: 0.3, last: 0.3, rest: 0.1 };

function invalid(field: string, rule: string, message: string): DomainRuleError {
  return new DomainRuleError('INVALID_ATTRIBUTION_INPUT', message, [{ field, rule, message }]);
}

function validMs(value: unknown, field: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(field, 'INSTANT', `${field} must be a valid Date`);
  return value.getTime();
}

/**
 * The touchpoints that count: at or before the opportunity's creation, in time order; equal
 * instants are ordered by id so that every implementation agrees.
 */
export function touchpointsBefore(touchpoints: readonly Touchpoint[], opportunityCreatedAt: Date): Touchpoint[] {
  const cutoff = validMs(opportunityCreatedAt, 'opportunityCreatedAt');
  touchpoints.forEach((t, i) => validMs(t.at, `touchpoints[${i}].at`));
  return touchpoints
    .filter((t) => t.at.getTime() <= cutoff)
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The share of each touchpoint (already filtered and ordered by `touchpointsBefore`), summing
 * to 1 (empty for no touchpoints).
 * - FIRST_TOUCH / LAST_TOUCH: 1 to the first / last.
 * - LINEAR: 1/n each.
 * - U_SHAPED: 40 % first, 40 % MQL touch, 20 % shared by the rest; one touch 100 %, two
 *   touches 50/50 whatever is flagged (the brief's explicit rule for two).
 * - W_SHAPED: 30 % first, 30 % MQL touch, 30 % last, 10 % shared by the rest.
 *   In both shaped models coinciding positions add up, a share with no touch to take it is
 *   dropped (no MQL touch flagged; no "rest"), and the result is normalised to 1. When several
 *   touches are flagged, the latest flagged one is the MQL touch (the MQL that led here).
 * - TIME_DECAY: weight 2^(-age / 7 days), age at the opportunity's creation, normalised.
 */
export function attributionShares(model: AttributionModel, ordered: readonly Touchpoint[], opportunityCreatedAt: Date): number[] {
  const n = ordered.length;
  if (n === 0) return [];
  switch (model) {
    case 'FIRST_TOUCH':
      return ordered.map((_, i) => (i === 0 ? 1 : 0));
    case 'LAST_TOUCH':
      return ordered.map((_, i) => (i === n - 1 ? 1 : 0));
    case 'LINEAR':
      return ordered.map(() => 1 / n);
    case 'U_SHAPED':
      if (n === 2) return [0.5, 0.5];
      return shaped(U_SHAPED, ordered, false);
    case 'W_SHAPED':
      return shaped(W_SHAPED, ordered, true);
    case 'TIME_DECAY': {
      const created = validMs(opportunityCreatedAt, 'opportunityCreatedAt');
      const ages = ordered.map((t) => (created - t.at.getTime()) / MS_PER_DAY);
      // Scaled by the youngest touch's weight: same shares once normalised, and no 0/0 underflow for very old touches.
      const youngest = Math.min(...ages);
      const weights = ages.map((age) => Math.pow(2, -(age - youngest) / TIME_DECAY_HALF_LIFE_DAYS));
      return normalise(weights);
    }
    default:
      throw invalid('model', 'ATTRIBUTION_MODEL', `'${String(model)}' is not one of ${ATTRIBUTION_MODELS.join(', ')}`);
  }
}

function shaped(shares: typeof U_SHAPED, ordered: readonly Touchpoint[], withLast: boolean): number[] {
  const n = ordered.length;
  const weights = ordered.map(() => 0);
  let mql = -1;
  ordered.forEach((t, i) => {
    if (t.isMqlTouch === true) mql = i;
  });
  const positioned = new Set<number>([0]);
  weights[0] += shares.first;
  if (mql >= 0) {
    weights[mql] += shares.mql;
    positioned.add(mql);
  }
  if (withLast) {
    weights[n - 1] += shares.last;
    positioned.add(n - 1);
  }
  const rest = ordered.map((_, i) => i).filter((i) => !positioned.has(i));
  for (const i of rest) weights[i] += shares.rest / rest.length;
  return normalise(weights);
}

function normalise(weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / total);
}

/** Absolute tolerance on amounts in cents (well above float error for amounts up to 10^10 cents). */
const FLOAT_SLACK = 1e-6;

/**
 * Splits `totalCents` by `shares` with the largest-remainder method: every part gets the floor
 * of its exact amount, then the cents left over go one each to the largest fractional parts
 * (ties to the earlier position), so the parts always sum exactly to `totalCents`.
 */
export function splitCents(totalCents: number, shares: readonly number[]): number[] {
  if (shares.length === 0) return [];
  const exact = shares.map((s) => s * totalCents);
  // Float noise must not move a cent: 0.4 x 1234500 may come out as 493799.99999999994, and two
  // implementations (this one and the SQL twin) may differ in the last bit. So floors allow
  // FLOAT_SLACK, and fractions are compared at that precision.
  const parts = exact.map((x) => Math.floor(x + FLOAT_SLACK));
  const fractions = exact.map((x, i) => ({ i, f: Math.max(0, Math.round((x - parts[i]) / FLOAT_SLACK) * FLOAT_SLACK) }));
  let left = totalCents - parts.reduce((s, p) => s + p, 0);
  fractions.sort((a, b) => b.f - a.f || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % fractions.length, left--) parts[fractions[k].i]++;
  return parts;
}

/**
 * Credits of one opportunity of `amount` (currency units, >= 0) under `model`, over the
 * touchpoints up to its creation. Only touchpoints with a share > 0 are returned, in time
 * order; no touchpoints = no credits (the opportunity is unattributed). Amounts are rounded
 * to cents by `splitCents`, so they sum exactly to `amount` rounded to cents.
 */
export function attribute(model: AttributionModel, touchpoints: readonly Touchpoint[], opportunityCreatedAt: Date, amount: number): AttributionCredit[] {
  if (!ATTRIBUTION_MODELS.includes(model)) throw invalid('model', 'ATTRIBUTION_MODEL', `'${String(model)}' is not one of ${ATTRIBUTION_MODELS.join(', ')}`);
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) throw invalid('amount', 'NON_NEGATIVE_NUMBER', `amount must be a finite number >= 0, got ${String(amount)}`);
  const ordered = touchpointsBefore(touchpoints, opportunityCreatedAt);
  const shares = attributionShares(model, ordered, opportunityCreatedAt);
  const cents = splitCents(Math.round(amount * 100), shares);
  const credits: AttributionCredit[] = [];
  ordered.forEach((t, i) => {
    if (shares[i] <= 0) return;
    credits.push({ touchpointId: t.id, at: t.at, channel: t.channel, campaign: t.campaign, share: shares[i], amountCents: cents[i], amount: cents[i] / 100 });
  });
  return credits;
}

export interface AttributionTotal {
  /** Sum of shares: the number of opportunities credited, fractionally. */
  share: number;
  amountCents: number;
  amount: number;
  credits: number;
}

function aggregate<K extends string | null>(credits: readonly AttributionCredit[], keyOf: (c: AttributionCredit) => K): Array<AttributionTotal & { key: K }> {
  const totals = new Map<K, AttributionTotal & { key: K }>();
  for (const c of credits) {
    const key = keyOf(c);
    const t = totals.get(key) ?? { key, share: 0, amountCents: 0, amount: 0, credits: 0 };
    t.share += c.share;
    t.amountCents += c.amountCents;
    t.amount = t.amountCents / 100;
    t.credits++;
    totals.set(key, t);
  }
  // Biggest first; equal amounts by key (no campaign last) so the order is deterministic.
  return [...totals.values()].sort(
    (a, b) => b.amountCents - a.amountCents || (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1),
  );
}

/** Credits (of any number of opportunities) summed per channel, in whole cents. */
export function aggregateByChannel(credits: readonly AttributionCredit[]): Array<AttributionTotal & { channel: string }> {
  return aggregate(credits, (c) => c.channel).map(({ key, ...t }) => ({ channel: key, ...t }));
}

/** Credits summed per campaign (null = touchpoints without a campaign), in whole cents. */
export function aggregateByCampaign(credits: readonly AttributionCredit[]): Array<AttributionTotal & { campaign: string | null }> {
  return aggregate(credits, (c) => c.campaign ?? null).map(({ key, ...t }) => ({ campaign: key, ...t }));
}

export type ModelChangeCheck = { allowed: true } | { allowed: false; violation: FieldViolation };

/**
 * The model of a period is chosen and locked before the period starts: a change is refused
 * from the period's start instant on (the period is [start, end)), and earlier when it was
 * locked explicitly.
 */
export function canChangeModel(periodStart: Date, now: Date, locked: boolean): ModelChangeCheck {
  const start = validMs(periodStart, 'periodStart');
  const at = validMs(now, 'now');
  if (at >= start) {
    return {
      allowed: false,
      violation: { field: 'model', rule: 'PERIOD_STARTED', message: `the attribution model of the period starting ${periodStart.toISOString()} is locked: the period has started` },
    };
  }
  if (locked) {
    return { allowed: false, violation: { field: 'model', rule: 'MODEL_LOCKED', message: 'the attribution model of this period is locked' } };
  }
  return { allowed: true };
}

/** Whether the period's model is locked at `now` (explicitly, or because the period started). */
export function isAttributionModelLocked(periodStart: Date, now: Date, locked: boolean): boolean {
  return !canChangeModel(periodStart, now, locked).allowed;
}
