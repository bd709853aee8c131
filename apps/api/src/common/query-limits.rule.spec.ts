import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { queryLimits } from './query-limits.rule';

const schema = buildSchema(`
  type Lead { id: ID! stage: String! owner: Rep }
  type Rep { id: ID! leads(first: Int): [Lead!]! }
  type Scorecard { overall: String! }
  input PeriodInput { from: String! to: String! }
  type Query { leads(first: Int): [Lead!]! rep(id: ID!): Rep scorecard(period: PeriodInput!): Scorecard! }
`);

const limits = queryLimits({ maxDepth: 4, maxCost: 1000, maxAliases: 20 });
const refusals = (query: string) => validate(schema, parse(query), [...specifiedRules, limits]);
const errors = (query: string) => refusals(query).map((e) => e.message);

/** `fragment F<n> on Query { ...F<n-1> ...F<n-1> }` down to F0: each level doubles what F0 selects. */
const fragmentBomb = (n: number) => {
  let doc = `query { ...F${n} } fragment F0 on Query { leads(first: 1) { id } }`;
  for (let i = 1; i <= n; i++) doc += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
  return doc;
};

describe('query limits', () => {
  it('accepts ordinary queries', () => {
    expect(errors('{ leads(first: 25) { id stage } }')).toEqual([]);
    expect(errors('fragment F on Lead { id } { a: leads(first: 2) { ...F } b: leads(first: 2) { ...F owner { id } } }')).toEqual([]);
  });

  it('multiplies by page size and refuses above the limit', () => {
    expect(errors('{ leads(first: 499) { id stage } }')).toEqual([]);
    expect(errors('{ leads(first: 500) { id stage } }')).toEqual(['Query cost 1001 exceeds the limit of 1000']);
  });

  it('follows fragments and refuses nesting beyond the depth limit', () => {
    const deep = '{ rep(id: "1") { leads(first: 1) { owner { leads(first: 1) { owner { id } } } } } }';
    expect(errors(deep)).toContain('Query depth 6 exceeds the limit of 4');
    expect(errors('fragment F on Lead { id stage } { leads(first: 600) { ...F } }')).toEqual(['Query cost 1201 exceeds the limit of 1000']);
  });

  it('refuses a fragment bomb of any depth as a typed input error naming the rule', () => {
    for (const n of [20, 30, 60]) {
      const [refusal, ...more] = refusals(fragmentBomb(n));
      expect(more).toEqual([]);
      expect(refusal.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query', violations: [{ field: 'query', rule: 'maxCost' }] });
    }
  });

  it('charges a field its declared cost: two scorecards are too costly', () => {
    const card = (i: number) => `s${i}: scorecard(period: { from: "2026-01-01", to: "2026-01-31" }) { overall }`;
    expect(errors(`{ ${[1].map(card).join(' ')} }`)).toEqual([]);
    expect(errors(`{ ${[1, 2].map(card).join(' ')} }`)).toEqual(['Query cost 1002 exceeds the limit of 1000']);
  });

  it('counts aliases as often as they execute, fragments included', () => {
    const aliases = Array.from({ length: 21 }, (_, i) => `a${i}: __typename`).join(' ');
    expect(refusals(`{ ${aliases} }`)[0].extensions).toMatchObject({ violations: [{ rule: 'maxAliases' }] });
    const tenInFragment = `fragment T on Query { ${Array.from({ length: 10 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(errors(`${tenInFragment} { ...T rep(id: "1") { id } }`)).toEqual([]);
    const twoSpreads = `${tenInFragment} { ...T r: rep(id: "1") { ...X } q: rep(id: "2") { ...X } } fragment X on Rep { ${Array.from({ length: 5 }, (_, i) => `l${i}: id`).join(' ')} }`;
    expect(errors(twoSpreads)).toEqual(['Query uses 22 aliases, more than the limit of 20']);
  });

  it('leaves introspection out of the depth, where graphql-js limits its nested lists instead', () => {
    expect(errors('{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }')).toEqual([]);
    expect(errors('{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }')).toEqual(['Maximum introspection depth exceeded']);
  });
});
