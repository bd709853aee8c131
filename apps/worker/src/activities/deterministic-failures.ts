import { ApplicationFailure } from '@temporalio/common';
import { EntityNotFoundError } from 'typeorm';
import { ErrorCode } from '../../../../libs/contracts/src/errors';

/** A missing row: retrying cannot make it appear, so the activity fails at once (NOT_FOUND). */
export function notFound(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, ErrorCode.NOT_FOUND);
}

/** The failure an activity error becomes: TypeORM's "not found" (findOneByOrFail) is non-retryable NOT_FOUND; anything else is unchanged. */
export function deterministicFailure(e: unknown): unknown {
  return e instanceof EntityNotFoundError ? notFound(e.message) : e;
}

/**
 * Class decorator for activity providers: every method's TypeORM EntityNotFoundError becomes a
 * non-retryable NOT_FOUND, so a workflow fails fast instead of retrying a missing row.
 */
export function FailFastOnNotFound(): ClassDecorator {
  return (target) => {
    const proto = (target as unknown as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (name === 'constructor' || typeof descriptor?.value !== 'function') continue;
      const method = descriptor.value as (...args: unknown[]) => unknown;
      Object.defineProperty(proto, name, {
        ...descriptor,
        value: async function (this: unknown, ...args: unknown[]) {
          try {
            return await method.apply(this, args);
          } catch (e) {
            throw deterministicFailure(e);
          }
        },
      });
    }
  };
}
