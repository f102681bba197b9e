import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/** The bounds a document must keep to before it is validated or run (`settings.graphql`). */
export interface QueryLimits {
  /** Nested selection sets, fragments counted where they are spread. */
  maxDepth: number;
  /** Aliased fields in the whole document (the alias-DoS class: one costly field asked N times). */
  maxAliases: number;
  /** Field selections, fragments counted each time they are spread; a root field counts 10. */
  maxCost: number;
}

/** What a root field (one collection read or write) costs beyond 1: it is a query of its own. */
const ROOT_FIELD_COST = 10;

interface Tally {
  aliases: number;
  cost: number;
  depth: number;
}

/**
 * The errors of a document that goes past `limits`, empty when it keeps within them. Runs before
 * GraphQL's validation, whose overlapping-fields rule is quadratic in a field's aliases, and stops
 * counting as soon as a bound is passed (a fragment spread N times is walked N times, so it bails
 * out rather than walking a fragment bomb to its end).
 */
export function queryLimitErrors(document: DocumentNode, limits: QueryLimits): GraphQLError[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const tally: Tally = { aliases: 0, cost: 0, depth: 0 };
  try {
    for (const d of document.definitions)
      if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet, 1, true, fragments, tally, limits, []);
  } catch (err) {
    if (err instanceof GraphQLError) return [err];
    throw err;
  }
  return [];
}

/** The operation `operationName` picks (or the only one), for its kind and label. */
export function operationOf(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/** Whether the document asks for the schema itself (`__schema`, `__type`); `__typename` is not that. */
export function asksIntrospection(document: DocumentNode): boolean {
  let found = false;
  const visit = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (found) return;
      if (s.kind === Kind.FIELD) {
        if (s.name.value === "__schema" || s.name.value === "__type") found = true;
        else visit(s.selectionSet);
      } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet);
    }
  };
  for (const d of document.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) visit(d.selectionSet);
  return found;
}

function walk(
  set: SelectionSetNode,
  depth: number,
  root: boolean,
  fragments: Map<string, FragmentDefinitionNode>,
  tally: Tally,
  limits: QueryLimits,
  spreading: string[],
): void {
  if (depth > limits.maxDepth)
    throw new GraphQLError(`The query is nested deeper than ${limits.maxDepth} levels.`, {
      extensions: { code: "QUERY_TOO_DEEP", status: 400 },
    });
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (s.alias && ++tally.aliases > limits.maxAliases)
        throw new GraphQLError(`The query uses more than ${limits.maxAliases} aliases.`, {
          extensions: { code: "TOO_MANY_ALIASES", status: 400 },
        });
      tally.cost += root && !s.name.value.startsWith("__") ? 1 + ROOT_FIELD_COST : 1;
      if (tally.cost > limits.maxCost)
        throw new GraphQLError(
          `The query costs more than ${limits.maxCost} (one per field, ${ROOT_FIELD_COST + 1} per root field).`,
          {
            extensions: { code: "QUERY_TOO_COSTLY", status: 400 },
          },
        );
      if (s.selectionSet) walk(s.selectionSet, depth + 1, false, fragments, tally, limits, spreading);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      walk(s.selectionSet, depth, root, fragments, tally, limits, spreading);
    } else {
      const name = s.name.value;
      const fragment = fragments.get(name);
      // A fragment that spreads itself is left to validation (NoFragmentCycles) to name.
      if (!fragment || spreading.includes(name)) continue;
      walk(fragment.selectionSet, depth, root, fragments, tally, limits, [...spreading, name]);
    }
  }
}
