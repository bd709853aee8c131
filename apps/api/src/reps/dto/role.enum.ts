import { registerEnumType } from '@nestjs/graphql';
import { ROLES, Role as RoleName } from '../../../../../libs/contracts/src';

/** The roles of the domain brief as a GraphQL enum, built from the contract's list. */
export const Role = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in RoleName]: K };
registerEnumType(Role, { name: 'Role' });
