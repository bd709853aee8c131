export * from './config';
export * from './logger';
export * from './request-context';
export * from './preflight';
export * from './search-attributes';
export * from './schedules';
export * from './adopt-leads';
