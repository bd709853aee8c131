import { EngagementEvent, eventsUpTo } from './engagement-event';
import { evaluateTriggers, TriggerHit } from './handoff-triggers';
import { evaluateFit, FitResult, LeadProfile } from './icp-fit';
import { IntentScore, scoreIntent } from './intent-score';
import { ACTIONABLE_ENGAGEMENT_TYPES, EngagementType, RequiredField, StageDefinitionContent } from './stage-definition';

export const HANDOFF_OUTCOMES = ['MQL', 'INCOMPLETE', 'ENGAGED'] as const;
export type HandoffOutcome = (typeof HANDOFF_OUTCOMES)[number];

export interface HandoffProfile extends LeadProfile {
  /** Lead source (e.g. 'paid-search', 'webinar'). */
  source?: string;
  /** Explicit content list; when absent it is derived from the events. */
  contentConsumed?: string[];
}

/** The values the required-field check looks at. */
export interface HandoffFields {
  source?: string;
  industry?: string;
  companySize?: number;
  country?: string;
  contentConsumed?: readonly string[];
  intentScore?: number;
}

export interface HandoffInput {
  profile: HandoffProfile;
  events: readonly EngagementEvent[];
  definition: StageDefinitionContent;
  now: Date;
  lastOutreachAt?: Date;
  /** A recycled lead's re-engage date: only events strictly after it count as intent. */
  reengageAfter?: Date;
}

export interface HandoffEvaluation {
  outcome: HandoffOutcome;
  /** High-intent trigger or score above the hot threshold: 2-business-hour first touch. */
  hot: boolean;
  /** An inbound demo request: 15-minute first touch. */
  demoRequest: boolean;
  score: IntentScore;
  fit: FitResult;
  triggers: TriggerHit[];
  missingFields: RequiredField[];
  contentConsumed: string[];
  reasons: string[];
}

// Signals that are not content: they say nothing about what the lead read or watched.
const NOT_CONTENT: readonly EngagementType[] = ['EMAIL_BOUNCE', 'UNSUBSCRIBE', 'EMAIL_OPEN'];

const present = (value: unknown): boolean =>
  typeof value === 'string'
    ? value.trim() !== ''
    : typeof value === 'number'
      ? Number.isFinite(value)
      : Array.isArray(value)
        ? value.length > 0
        : value !== undefined && value !== null;

/** The required fields (in the definition's order) that are empty. */
export function requiredFieldsMissing(fields: HandoffFields, required: readonly RequiredField[]): RequiredField[] {
  return required.filter((name) => !present(fields[name]));
}

/**
 * MQL = ICP fit AND (a trigger fired OR score >= threshold) AND every required field present.
 * A lead that would qualify but lacks fields is INCOMPLETE (held, visible, counted); missing
 * firmographics count as "could still fit" for that purpose. Everything else is ENGAGED.
 */
export function evaluateHandoff(input: HandoffInput): HandoffEvaluation {
  const { profile, definition, now } = input;
  const history = eventsUpTo(input.events, now);
  const fresh = input.reengageAfter ? eventsUpTo(input.events, now, input.reengageAfter) : history;

  const fit = evaluateFit(profile, definition.icp);
  const score = scoreIntent(fresh, definition.scoring, now);
  // Optimistic fit for triggers: a content trigger must not be lost just because industry is unknown yet.
  const triggers = evaluateTriggers(fresh, definition.triggers, { fit: fit.fit || fit.possible, lastOutreachAt: input.lastOutreachAt }, now);
  const contentConsumed =
    profile.contentConsumed ?? [...new Set(history.filter((e) => !NOT_CONTENT.includes(e.type)).map((e) => e.content ?? e.type))];

  const missingFields = requiredFieldsMissing(
    { ...profile, contentConsumed, intentScore: score.score },
    definition.requiredFields,
  );

  const threshold = definition.scoring.mqlThreshold;
  const byScore = score.score >= threshold;
  const intent = triggers.length > 0 || byScore;
  const hot = triggers.some((t) => t.highIntent) || score.score > definition.scoring.hotScoreAbove;
  const demoRequest = triggers.some((t) => t.demoRequest);

  const reasons: string[] = [];
  if (input.reengageAfter) {
    reasons.push(`recycled: only intent after ${input.reengageAfter.toISOString()} counts (${fresh.length} of ${history.length} events)`);
  }
  reasons.push(fit.fit ? `ICP fit (${fit.points} points)` : `no ICP fit (${fit.points} points${fit.possible ? ', could fit once enriched' : ''})`);
  for (const t of triggers) reasons.push(`trigger ${t.triggerId}: ${t.explanation}`);
  reasons.push(`intent score ${score.score} ${byScore ? '>=' : '<'} ${threshold}`);
  if (missingFields.length > 0) reasons.push(`missing required fields: ${missingFields.join(', ')}`);

  let outcome: HandoffOutcome;
  if (intent && fit.fit && missingFields.length === 0) outcome = 'MQL';
  else if (intent && (fit.fit || fit.possible) && missingFields.length > 0) outcome = 'INCOMPLETE';
  else outcome = 'ENGAGED';
  if (!intent) reasons.push('no trigger fired and the score is below the threshold');
  reasons.push(`outcome ${outcome}`);

  return { outcome, hot, demoRequest, score, fit, triggers, missingFields, contentConsumed, reasons };
}

/**
 * Whether a handoff evaluation moves a nurtured lead in `stage`: it qualified (MQL), or it
 * newly lacks only profile fields (INCOMPLETE). Anything else leaves the lead where it is.
 */
export function handoffChangesStage(stage: string, outcome: HandoffOutcome): boolean {
  return outcome === 'MQL' || (outcome === 'INCOMPLETE' && stage !== 'INCOMPLETE');
}

/**
 * Whether a nurtured lead's new events must go to its workflow whatever their evaluation
 * shows. A lead not yet ENGAGED (first touch, recycled) must be moved on; a recycled lead's
 * evaluation depends on its re-engage date, which only its workflow holds; an opt-out, a
 * bounce or a reply is the workflow's to act on. Otherwise only an evaluation that changes
 * the stage (`handoffChangesStage`) needs the workflow; the rest can be stored and scored
 * where it arrives (the ingest's cheap path).
 */
export function eventsNeedLeadWorkflow(lead: { stage: string; reengageAt: Date | string | null }, eventTypes: readonly string[]): boolean {
  if (lead.stage !== 'ENGAGED' && lead.stage !== 'INCOMPLETE') return true;
  if (lead.reengageAt) return true;
  return eventTypes.some((t) => (ACTIONABLE_ENGAGEMENT_TYPES as readonly string[]).includes(t));
}
