import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { REQUEST_ID_HEADER } from '../../contracts/src/task-queues';
import { currentRequestId, isRequestId, withRequestId } from './request-context';

/** The API's Temporal client adds the request id to every start, signal and update it sends. */
export function requestIdClientInterceptor(): WorkflowClientInterceptor {
  const tagged = <T extends { headers: Headers }>(input: T): T => {
    const requestId = currentRequestId();
    return requestId ? { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } } : input;
  };
  return {
    start: (input, next) => next(tagged(input)),
    startWithDetails: (input, next) => next(tagged(input)),
    signal: (input, next) => next(tagged(input)),
    signalWithStart: (input, next) => next(tagged(input)),
    startUpdate: (input, next) => next(tagged(input)),
  };
}

/** The worker runs each activity in the request context its header names (see workflows/src/request-id.interceptors.ts). */
export const requestIdActivityInterceptor: ActivityInterceptorsFactory = () => {
  const inbound: ActivityInboundCallsInterceptor = {
    execute: (input, next) => {
      const header = input.headers[REQUEST_ID_HEADER];
      const requestId = header ? defaultPayloadConverter.fromPayload(header) : undefined;
      return isRequestId(requestId) ? withRequestId(requestId, () => next(input)) : next(input);
    },
  };
  return { inbound };
};
