import { registerEnumType } from '@nestjs/graphql';
import { asEnum } from '../common/graphql-enum';
import type { Delivery } from './outbox.service';

export type { Delivery };
export const INGEST_DELIVERIES = ['DELIVERED', 'QUEUED', 'STORED'] as const satisfies readonly Delivery[];
export const IngestDelivery = asEnum(INGEST_DELIVERIES);
registerEnumType(IngestDelivery, {
  name: 'IngestDelivery',
  description: 'What happened after an accepted ingest (always durable when answered).',
  valuesMap: {
    DELIVERED: { description: "The lead's workflow has been told." },
    QUEUED: { description: 'Temporal was not reachable in time: the relay tells the workflow when it is, in order.' },
    STORED: { description: 'Kept (KPIs, attribution, the next evaluation) without waking the workflow: it cannot change the lead now, or the lead is closed.' },
  },
});
