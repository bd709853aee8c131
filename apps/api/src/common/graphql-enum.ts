/** A GraphQL enum object ({ A: 'A', ... }) from a domain list of values, for registerEnumType. */
export const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
