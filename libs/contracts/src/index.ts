export * from './task-queues';
export * from './errors';
export * from './roles';
export * from './lead-workflow';
export * from './lead-activities';
export * from './stage-definition-workflow';
export * from './kpi-snapshot-workflow';
export * from './sprint-workflow';
