import { SetMetadata } from '@nestjs/common';
import type { Role } from '../../../../libs/contracts/src';

export const ROLES_KEY = 'baton:roles';
export const PUBLIC_KEY = 'baton:public';

/**
 * Which roles may call a resolver. The guard denies by default: a handler with neither
 * @Roles nor @Public is refused, so forgetting the decorator cannot open an endpoint.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Every human role: the people who read leads and definitions (integrations only write). */
export const HUMAN_ROLES = ['MARKETING', 'SALES_REP', 'SALES_MANAGER', 'REVOPS', 'EXECUTIVE', 'ADMIN'] as const satisfies readonly Role[];
