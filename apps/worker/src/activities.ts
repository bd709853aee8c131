import type { INestApplicationContext } from '@nestjs/common';
import { ACTIVITY_PROVIDERS } from './worker.module';

/**
 * Collect every public method of the activity providers as the worker's activity map,
 * bound to its instance so Nest-injected dependencies work.
 */
export function collectActivities(app: INestApplicationContext): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const activities: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const provider of ACTIVITY_PROVIDERS) {
    const instance = app.get(provider) as unknown as Record<string, unknown>;
    const proto = Object.getPrototypeOf(instance);
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || typeof instance[name] !== 'function') continue;
      if (activities[name]) throw new Error(`Activity ${name} is defined twice`);
      activities[name] = (instance[name] as (...args: unknown[]) => Promise<unknown>).bind(instance);
    }
  }
  return activities;
}
