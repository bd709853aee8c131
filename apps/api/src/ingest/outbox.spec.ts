import { BUSY_WINDOW_MS, temporalLooksDown } from './outbox.service';

const grpc = (code: number, name = 'ServiceError') => Object.assign(new Error('call failed'), { name, code });

describe('temporalLooksDown', () => {
  it('a refused connection is an outage, however recently something was delivered', () => {
    expect(temporalLooksDown(grpc(14), 10)).toBe(true);
    expect(temporalLooksDown(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7233'), { code: 'ECONNREFUSED' }), 10)).toBe(true);
  });

  it('a missed deadline while deliveries still succeed is load, not an outage', () => {
    expect(temporalLooksDown(grpc(4), 100)).toBe(false);
    expect(temporalLooksDown(Object.assign(new Error('deadline exceeded waiting for Temporal'), { name: 'DeadlineExceeded', code: 4 }), BUSY_WINDOW_MS - 1)).toBe(false);
  });

  it('a missed deadline with no recent delivery is an outage (a server that stopped answering)', () => {
    expect(temporalLooksDown(grpc(4), BUSY_WINDOW_MS)).toBe(true);
    expect(temporalLooksDown(new Error('wrapped', { cause: grpc(4) }), Number.POSITIVE_INFINITY)).toBe(true);
  });

  it('a call Temporal refused (not found, invalid argument) is not an outage', () => {
    expect(temporalLooksDown(grpc(5, 'WorkflowNotFoundError'), 10_000)).toBe(false);
    expect(temporalLooksDown(grpc(3), 10_000)).toBe(false);
  });
});
