import { defaultPayloadConverter } from '@temporalio/common';
import type { Headers, Next, WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';
import { REQUEST_ID_HEADER } from '../../libs/contracts/src/task-queues';

/**
 * Carries the id of the API request that last drove this workflow (its start, a signal, a
 * command; none when the last came from outside a request) to the activities and child
 * workflows it schedules and to its own log lines, so the worker's lines for that work carry the request id.
 * Headers only: nothing the workflow decides depends on it.
 */
export const interceptors: WorkflowInterceptorsFactory = () => {
  let current: Headers[string] | undefined;
  // Work driven by something that is no request (the ingest relay, a timer) carries no id rather than an old one.
  const remember = (headers: Headers) => {
    current = headers[REQUEST_ID_HEADER];
  };
  const withCurrent = (headers: Headers): Headers => (current ? { ...headers, [REQUEST_ID_HEADER]: current } : headers);
  const inbound: WorkflowInboundCallsInterceptor = {
    execute: (input, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) => (remember(input.headers), next(input)),
    handleSignal: (input, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>) => (remember(input.headers), next(input)),
    handleUpdate: (input, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>) => (remember(input.headers), next(input)),
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input, next) => next({ ...input, headers: withCurrent(input.headers) }),
    scheduleLocalActivity: (input, next) => next({ ...input, headers: withCurrent(input.headers) }),
    startChildWorkflowExecution: (input, next) => next({ ...input, headers: withCurrent(input.headers) }),
    // The workflow's own log lines name the request too.
    getLogAttributes: (input, next) => next(current ? { ...input, requestId: defaultPayloadConverter.fromPayload(current) } : input),
  };
  return { inbound: [inbound], outbound: [outbound] };
};
