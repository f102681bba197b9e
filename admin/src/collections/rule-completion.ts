import type { Collection, Field } from "../api/types";
import { fieldTypeOf } from "../fields/registry";

const MACROS = [
  "@now",
  "@second",
  "@minute",
  "@hour",
  "@weekday",
  "@day",
  "@month",
  "@year",
  "@yesterday",
  "@tomorrow",
  "@todayStart",
  "@todayEnd",
  "@monthStart",
  "@monthEnd",
  "@yearStart",
  "@yearEnd",
];
const REQUEST = [
  "@request.auth.id",
  "@request.auth.collectionName",
  "@request.auth.email",
  "@request.auth.verified",
  "@request.method",
  "@request.context",
  "@request.query.",
  "@request.headers.",
];

const related = (field: Field, all: Collection[]) => {
  const target = fieldTypeOf(field).target?.(field);
  return target ? all.find((c) => c.id === target || c.name === target) : undefined;
};

/**
 * Every word a rule may use against `draft`: its fields (and one hop through relations),
 * `@request.*`, `@collection.*` and the date macros. Relations resolve through `all`.
 */
export function ruleVocabulary(draft: Pick<Collection, "fields">, all: Collection[]): string[] {
  const words = new Set<string>();
  for (const f of draft.fields) {
    if (!f.name) continue;
    words.add(f.name);
    words.add(`@request.body.${f.name}`);
    if (fieldTypeOf(f).multiple?.(f)) words.add(`${f.name}:length`);
    const target = related(f, all);
    if (target) for (const g of target.fields) if (!g.hidden) words.add(`${f.name}.${g.name}`);
  }
  for (const w of REQUEST) words.add(w);
  for (const c of all) {
    if (c.name.startsWith("_")) continue;
    for (const g of c.fields) if (!g.hidden) words.add(`@collection.${c.name}.${g.name}`);
  }
  for (const m of MACROS) words.add(m);
  return [...words];
}

/** The word being typed at the caret (letters, digits, `_`, `.`, `@`, `:`), and where it starts. */
export function wordAt(text: string, caret: number): { word: string; start: number } {
  const before = text.slice(0, caret);
  const m = /[@\w.:]*$/.exec(before);
  const word = m ? m[0] : "";
  return { word, start: caret - word.length };
}

/** Suggestions for a partly typed word: prefix matches first, then words containing it. */
export function suggest(vocabulary: string[], word: string, limit = 8): string[] {
  if (!word) return [];
  const lower = word.toLowerCase();
  const prefix = vocabulary.filter((w) => w.toLowerCase().startsWith(lower) && w !== word);
  const inner = vocabulary.filter(
    (w) => !w.toLowerCase().startsWith(lower) && w.toLowerCase().includes(lower),
  );
  return [...prefix, ...inner].slice(0, limit);
}
