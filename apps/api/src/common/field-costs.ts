/**
 * What a field costs to resolve, where it is not the default 1: the KPI reports run several
 * aggregate SQL statements over the period's history, the what-if replays days of engagement,
 * a routing preview evaluates every rule. One home for these numbers; the query limits add
 * them up before execution (see query-limits.rule.ts).
 */
export const FIELD_COSTS: Readonly<Record<string, number>> = {
  'Query.kpis': 500,
  'Query.scorecard': 500,
  'Query.funnel': 300,
  'Query.leadAging': 200,
  'Query.slaCompliance': 300,
  'Query.followUpCompliance': 300,
  'Query.rejectionMix': 200,
  'Query.attribution': 500,
  'Query.kpiStack': 500,
  'Query.leakReport': 1000,
  'Query.kpiCsv': 500,
  'Query.simulateStageDefinition': 1000,
  'Query.previewRouting': 50,
  'Query.salesFeedbackReport': 200,
  'Mutation.takeKpiSnapshot': 500,
};
