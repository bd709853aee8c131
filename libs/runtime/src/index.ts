export * from './config';
export * from './logger';
export * from './preflight';
export * from './search-attributes';
export * from './schedules';
