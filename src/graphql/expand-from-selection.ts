import { type FieldNode, type FragmentDefinitionNode, Kind, type SelectionSetNode } from "graphql";

type Fragments = Record<string, FragmentDefinitionNode>;

/**
 * The records API's `expand` parameter for what a query selects under `expand { … }`, so the
 * relations are fetched by the same code as REST's expand: one query per relation and level,
 * through the target's view rule (list rule for back-relations), never one per record.
 * `items { title expand { author { name expand { org { id } } } } }` → `author.org`.
 */
export function expandOf(selection: SelectionSetNode | undefined, fragments: Fragments): string {
  const paths: string[] = [];
  collect(selection, fragments, "", paths);
  return paths.join(",");
}

/** `items { … }` of a list query's selection (the records a page holds). */
export function itemsSelection(nodes: readonly FieldNode[], fragments: Fragments): SelectionSetNode[] {
  const out: SelectionSetNode[] = [];
  for (const node of nodes)
    for (const field of fieldsOf(node.selectionSet, fragments))
      if (field.name.value === "items" && field.selectionSet) out.push(field.selectionSet);
  return out;
}

function collect(
  selection: SelectionSetNode | undefined,
  fragments: Fragments,
  prefix: string,
  paths: string[],
) {
  for (const field of fieldsOf(selection, fragments)) {
    if (field.name.value !== "expand") continue;
    for (const relation of fieldsOf(field.selectionSet, fragments)) {
      if (relation.name.value.startsWith("__")) continue;
      const path = `${prefix}${relation.name.value}`;
      const before = paths.length;
      collect(relation.selectionSet, fragments, `${path}.`, paths);
      // A deeper path names this level too; the bare one only when nothing deeper was asked.
      if (paths.length === before && !paths.includes(path)) paths.push(path);
    }
  }
}

/** The fields of a selection set, through inline fragments and fragment spreads. */
function fieldsOf(
  selection: SelectionSetNode | undefined,
  fragments: Fragments,
  seen = new Set<string>(),
): FieldNode[] {
  if (!selection) return [];
  const out: FieldNode[] = [];
  for (const s of selection.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet, fragments, seen));
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      out.push(...fieldsOf(fragments[s.name.value]?.selectionSet, fragments, seen));
    }
  }
  return out;
}
