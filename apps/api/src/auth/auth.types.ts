import type { Role } from '../../../../libs/contracts/src';

/** The authenticated caller of a request, resolved from the bearer token and the user table. */
export interface Principal {
  userId: string;
  role: Role;
  name: string;
}
