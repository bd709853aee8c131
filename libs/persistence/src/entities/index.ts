export * from './user.entity';
export * from './team.entity';
export * from './lead.entity';
export * from './ingest-receipt.entity';
export * from './stage-transition.entity';
