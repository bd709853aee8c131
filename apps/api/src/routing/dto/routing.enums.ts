import { registerEnumType } from '@nestjs/graphql';
import { ROUTING_RULE_KINDS, ROUTING_STRATEGIES } from '../../../../../libs/domain/src';
import { TRACE_SKIP_REASONS } from '../../../../../libs/persistence/src/routing/routing-input.loader';
import { asEnum } from '../../common/graphql-enum';

/** How a pool picks among its eligible reps. */
export const RoutingStrategy = asEnum(ROUTING_STRATEGIES);
registerEnumType(RoutingStrategy, { name: 'RoutingStrategy' });

/** ACCOUNT_OWNER: the matched account's owner; TERRITORY: criteria -> pool; FALLBACK: an owner or a queue. */
export const RoutingRuleKind = asEnum(ROUTING_RULE_KINDS);
registerEnumType(RoutingRuleKind, { name: 'RoutingRuleKind' });

/** Why a rep was passed over; EXCLUDED = the caller excluded them (e.g. after a missed accept SLA). */
export const RoutingSkipReason = asEnum(TRACE_SKIP_REASONS);
registerEnumType(RoutingSkipReason, { name: 'RoutingSkipReason' });
