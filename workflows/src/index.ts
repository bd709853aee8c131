// The workflow bundle's entry point: every workflow type the worker registers.
export { leadWorkflow } from './lead.workflow';
export { stageDefinitionApprovalWorkflow } from './stage-definition-approval.workflow';
export { kpiSnapshotWorkflow } from './kpi-snapshot.workflow';
export { sprintWorkflow } from './sprint.workflow';
export { governanceReviewWorkflow } from './governance-review.workflow';
export { notificationDeliveryWorkflow } from './notification-delivery.workflow';
