import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import { REQUEST_ID_HEADER } from '../../contracts/src';
import { interceptors as workflowInterceptors } from '../../../workflows/src/request-id.interceptors';
import { currentRequestId, withRequestId } from './request-context';
import { requestIdActivityInterceptor, requestIdClientInterceptor } from './request-id.interceptors';

/** The request id travels API client → workflow (start, signal, update) → activity, through Temporal headers only. */
describe('request id across Temporal', () => {
  const idOf = (headers: Headers) => (headers[REQUEST_ID_HEADER] ? defaultPayloadConverter.fromPayload(headers[REQUEST_ID_HEADER]) : undefined);

  it("the API's client adds the current request's id to updates and signals, and nothing outside a request", async () => {
    const client = requestIdClientInterceptor();
    const seen: Headers[] = [];
    const next = async (input: { headers: Headers }) => (seen.push(input.headers), undefined as never);
    await withRequestId('rid-1', () => client.startUpdate!({ headers: {} } as never, next as never));
    await withRequestId('rid-2', () => client.signal!({ headers: {} } as never, next as never));
    await client.signal!({ headers: {} } as never, next as never);
    expect(seen.map(idOf)).toEqual(['rid-1', 'rid-2', undefined]);
  });

  it('the workflow hands the id of the request that last drove it to the activities it schedules', async () => {
    const { inbound, outbound } = workflowInterceptors();
    const scheduled: Headers[] = [];
    const schedule = async (input: { headers: Headers }) => (scheduled.push(input.headers), undefined);
    await outbound![0].scheduleLocalActivity!({ headers: {} } as never, schedule as never);
    await inbound![0].handleUpdate!({ headers: { [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload('rid-cmd') } } as never, async () => undefined);
    await outbound![0].scheduleLocalActivity!({ headers: {} } as never, schedule as never);
    await outbound![0].scheduleActivity!({ headers: {} } as never, schedule as never);
    // A signal from outside any request (the ingest relay): what follows is no request's work.
    await inbound![0].handleSignal!({ headers: {} } as never, async () => undefined);
    await outbound![0].scheduleLocalActivity!({ headers: {} } as never, schedule as never);
    expect(scheduled.map(idOf)).toEqual([undefined, 'rid-cmd', 'rid-cmd', undefined]);
  });

  it('the worker runs an activity in the request context its header names (log lines then carry it)', async () => {
    const { inbound } = requestIdActivityInterceptor({} as never);
    const inside = await inbound!.execute!({ headers: { [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload('rid-act') } } as never, async () => currentRequestId());
    const without = await inbound!.execute!({ headers: {} } as never, async () => currentRequestId());
    expect([inside, without]).toEqual(['rid-act', undefined]);
  });
});
