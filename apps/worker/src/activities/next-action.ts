/**
 * The handoff brief's recommended next action: the strongest signal decides the opening
 * move, so the rep starts from what the lead actually did.
 */
export function recommendNextAction(input: { demoRequest: boolean; hot: boolean; triggers: { triggerId: string }[]; contentConsumed: string[] }): string {
  const fired = new Set(input.triggers.map((t) => t.triggerId.toLowerCase()));
  if (input.demoRequest) return 'Call now: inbound demo request. Confirm the use case and book the demo on the call.';
  if (input.hot) return 'Call within 2 business hours: high intent. Open with what they asked for, then qualify budget and timeline.';
  if ([...fired].some((id) => id.includes('pricing'))) return 'Call: repeated pricing interest. Lead with packaging and ROI, then qualify budget.';
  if ([...fired].some((id) => id.includes('comparison') || id.includes('competitor'))) return 'Email a tailored comparison, then call: they are evaluating alternatives.';
  if ([...fired].some((id) => id.includes('return'))) return 'Call today: they came back after your outreach.';
  if (input.contentConsumed.length) return `Reference "${input.contentConsumed[input.contentConsumed.length - 1]}" in a personal email, then follow the cadence.`;
  return 'Follow the cadence: day 1 call and email.';
}
