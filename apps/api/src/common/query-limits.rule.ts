import { ASTVisitor, FragmentDefinitionNode, getNamedType, GraphQLError, GraphQLNamedType, isInterfaceType, isObjectType, Kind, SelectionSetNode, ValidationContext, ValueNode } from 'graphql';
import { ErrorCode } from '../../../../libs/contracts/src';
import { FIELD_COSTS } from './field-costs';

export interface QueryLimits {
  /** Levels of nested selections (introspection's own fields not counted). */
  maxDepth: number;
  /** Sum of field costs, a list's selections multiplied by its page size. */
  maxCost: number;
  /** Aliased fields, counted as often as they would execute. */
  maxAliases: number;
}

interface Measure { depth: number; cost: number; aliases: number }
const NOTHING: Measure = { depth: 0, cost: 0, aliases: 0 };

/** A page size given as a variable is charged at the largest page (100). */
function pageSize(args: readonly { name: { value: string }; value: ValueNode }[] | undefined): number {
  const arg = (name: string) => args?.find((a) => a.name.value === name)?.value;
  const page = arg('page');
  const first = arg('first') ?? (page?.kind === Kind.OBJECT ? page.fields.find((f) => f.name.value === 'first')?.value : page);
  if (!first) return 1;
  return first.kind === Kind.INT ? Number(first.value) : 100;
}

/**
 * Depth, cost and aliases of an operation in one walk before execution. Each fragment is
 * measured once and remembered, so the walk is linear in the document: nested fragments
 * that double at every level are refused at once instead of being expanded.
 */
export function queryLimits(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const measured = new Map<string, Measure>();

    const fragment = (name: string): Measure => {
      const known = measured.get(name);
      if (known) return known;
      measured.set(name, NOTHING); // a cycle (refused by NoFragmentCycles) counts nothing
      const def = fragments.get(name);
      const m = def ? measure(def.selectionSet, schema.getType(def.typeCondition.name.value) ?? undefined) : NOTHING;
      measured.set(name, m);
      return m;
    };

    const measure = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined): Measure => {
      const total = { depth: 0, cost: 0, aliases: 0 };
      for (const sel of set?.selections ?? []) {
        let m: Measure;
        if (sel.kind === Kind.FIELD) {
          const def = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[sel.name.value] : undefined;
          const inner = measure(sel.selectionSet, def ? getNamedType(def.type) : undefined);
          const introspection = sel.name.value.startsWith('__');
          m = {
            depth: introspection ? 0 : 1 + inner.depth,
            cost: (FIELD_COSTS[`${parent?.name}.${sel.name.value}`] ?? 1) + pageSize(sel.arguments) * inner.cost,
            aliases: (sel.alias ? 1 : 0) + inner.aliases,
          };
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          m = measure(sel.selectionSet, sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? undefined) : parent);
        } else {
          m = fragment(sel.name.value);
        }
        total.depth = Math.max(total.depth, m.depth);
        total.cost += m.cost;
        total.aliases += m.aliases;
      }
      return total;
    };

    return {
      OperationDefinition(node) {
        const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        const m = measure(node.selectionSet, root ?? undefined);
        const over = [
          m.depth > limits.maxDepth && { rule: 'maxDepth', message: `Query depth ${m.depth} exceeds the limit of ${limits.maxDepth}` },
          m.cost > limits.maxCost && { rule: 'maxCost', message: `Query cost ${fmt(m.cost)} exceeds the limit of ${limits.maxCost}` },
          m.aliases > limits.maxAliases && { rule: 'maxAliases', message: `Query uses ${fmt(m.aliases)} aliases, more than the limit of ${limits.maxAliases}` },
        ].filter((v): v is { rule: string; message: string } => !!v);
        if (!over.length) return;
        const violations = over.map((v) => ({ field: 'query', ...v }));
        context.reportError(new GraphQLError(violations.map((v) => v.message).join('; '), { nodes: [node], extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'query', violations } }));
      },
    };
  };
}

/** Costs of fragment bombs overflow any integer a person reads. */
const fmt = (n: number) => (n < 1e9 ? String(n) : n.toExponential(1));
