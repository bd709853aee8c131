import { ASTVisitor, FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode, ValidationContext } from 'graphql';
import { ErrorCode } from '../../../../libs/contracts/src';

/**
 * Refuses operations that would resolve too many fields: every selected field costs 1, and
 * a field taking `first` or `page: { first }` multiplies the cost of what it selects by that size.
 * Checked before execution, fragments followed.
 */
export function complexityLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

    const costOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let cost = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          const pageArg = sel.arguments?.find((a) => a.name.value === 'page')?.value;
          const first = sel.arguments?.find((a) => a.name.value === 'first')?.value ?? (pageArg?.kind === Kind.OBJECT ? pageArg.fields.find((f) => f.name.value === 'first')?.value : pageArg ? { kind: Kind.VARIABLE } : undefined);
          // A page size given as a variable is charged at the largest page (100).
          const page = first?.kind === Kind.INT ? Number(first.value) : first ? 100 : 1;
          cost += 1 + page * costOf(sel.selectionSet, seen);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          cost += costOf(sel.selectionSet, seen);
        } else if (!seen.has(sel.name.value)) {
          cost += costOf(fragments.get(sel.name.value)?.selectionSet, new Set([...seen, sel.name.value]));
        }
      }
      return cost;
    };

    return {
      OperationDefinition(node) {
        const cost = costOf(node.selectionSet, new Set());
        if (cost > max) context.reportError(new GraphQLError(`Query complexity ${cost} exceeds the limit of ${max}`, { nodes: [node], extensions: { code: ErrorCode.BAD_USER_INPUT, rule: 'complexityLimit' } }));
      },
    };
  };
}
