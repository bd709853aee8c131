import { buildSchema, parse, validate } from 'graphql';
import { complexityLimit } from './complexity-limit.rule';
import { depthLimit } from './depth-limit.rule';

const schema = buildSchema(`
  type Lead { id: ID! stage: String! owner: Rep }
  type Rep { id: ID! leads(first: Int): [Lead!]! }
  type Query { leads(first: Int): [Lead!]! rep(id: ID!): Rep }
`);

const errors = (query: string, rules = [complexityLimit(100), depthLimit(4)]) => validate(schema, parse(query), rules).map((e) => e.message);

describe('query limits', () => {
  it('accepts ordinary queries', () => {
    expect(errors('{ leads(first: 25) { id stage } }')).toEqual([]);
  });

  it('multiplies by page size and refuses above the limit', () => {
    expect(errors('{ leads(first: 50) { id stage } }')).toEqual(['Query complexity 101 exceeds the limit of 100']);
  });

  it('follows fragments and refuses nesting beyond the depth limit', () => {
    const deep = '{ rep(id: "1") { leads(first: 1) { owner { leads(first: 1) { owner { id } } } } } }';
    expect(errors(deep)).toContain('Query depth 6 exceeds the limit of 4');
    expect(errors('fragment F on Lead { id stage } { leads(first: 60) { ...F } }')).toEqual(['Query complexity 121 exceeds the limit of 100']);
  });
});
