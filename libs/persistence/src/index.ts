export * from './entities';
export * from './data-source';
export * from './sql-error-logger';
export * from './handoff/stored-handoff';
export { LIVE_CHANNEL } from './migrations/1764000900000-live-notify';
export * from './returned-rows';
