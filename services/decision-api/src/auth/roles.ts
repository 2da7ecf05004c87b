/** Roles carried in the `roles` claim of a bearer token. */
export const ROLES = ['enforcer', 'approver', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller of a request. */
export interface Caller {
  readonly sub: string;
  readonly roles: ReadonlySet<string>;
}
