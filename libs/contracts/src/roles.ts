/** The roles of the domain brief; a bearer token carries exactly one. */
export const ROLES = ['MARKETING', 'SALES_REP', 'SALES_MANAGER', 'REVOPS', 'EXECUTIVE', 'ADMIN', 'INTEGRATION'] as const;
export type Role = (typeof ROLES)[number];

/** Who did something: recorded with every stage transition. */
export interface Actor {
  id: string;
  role: Role | 'SYSTEM';
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'SYSTEM' };
