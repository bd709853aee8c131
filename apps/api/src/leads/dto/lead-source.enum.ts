import { registerEnumType } from '@nestjs/graphql';

/** Where a lead came from: the `source` required at handoff and the key of per-source KPIs. */
export enum LeadSource {
  WEBSITE = 'WEBSITE',
  WEBINAR = 'WEBINAR',
  EVENT = 'EVENT',
  PAID_SEARCH = 'PAID_SEARCH',
  PAID_SOCIAL = 'PAID_SOCIAL',
  ORGANIC_SEARCH = 'ORGANIC_SEARCH',
  EMAIL = 'EMAIL',
  REFERRAL = 'REFERRAL',
  PARTNER = 'PARTNER',
  CONTENT_SYNDICATION = 'CONTENT_SYNDICATION',
  OUTBOUND = 'OUTBOUND',
  IMPORT = 'IMPORT',
  OTHER = 'OTHER',
}
registerEnumType(LeadSource, { name: 'LeadSource' });
