import { isSearchable, searchableText } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import type { SearchWord } from "../collections/search-types.js";
import { wordMatches } from "../rules/index.js";

/** Words of context kept on each side of the first match. */
const CONTEXT_WORDS = 8;
const WORD_OR_GAP = /([\p{L}\p{N}\p{M}]+)|([^\p{L}\p{N}\p{M}]+)/gu;
const ENTITY: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * `@snippet` of a record for `?snippet=1`: per searchable field with a matching word, a short
 * excerpt around the first match, HTML-escaped, matches wrapped in `<mark>…</mark>`, cuts marked
 * `…`. Editor HTML is read as its text (tags dropped). Computed from the record's values, the same
 * way on both stores; a stem-only match ("english") has no exact word to mark.
 */
export function searchSnippets(
  collection: Collection,
  record: Record<string, unknown>,
  words: readonly SearchWord[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of collection.fields.filter(isSearchable)) {
    const value = record[field.name];
    if (typeof value !== "string" || value === "") continue;
    const snippet = snippetOf(searchableText(field, value), words);
    if (snippet !== null) out[field.name] = snippet;
  }
  return out;
}

function snippetOf(text: string, words: readonly SearchWord[]): string | null {
  const pieces = [...text.matchAll(WORD_OR_GAP)].map((m) => ({ text: m[0], word: m[1] !== undefined }));
  const marks = pieces.map((p) => p.word && words.some((q) => wordMatches(p.text.toLowerCase(), q)));
  const first = marks.indexOf(true);
  if (first < 0) return null;
  // Pieces alternate word/gap, so 2 pieces per word of context.
  const start = Math.max(0, first - 2 * CONTEXT_WORDS);
  const end = Math.min(pieces.length, first + 2 * CONTEXT_WORDS + 1);
  let out = start > 0 ? "…" : "";
  for (let i = start; i < end; i++) {
    const escaped = (pieces[i]?.text ?? "").replace(/[&<>"']/g, (c) => ENTITY[c] ?? c);
    out += marks[i] ? `<mark>${escaped}</mark>` : escaped;
  }
  return end < pieces.length ? `${out.trimEnd()}…` : out;
}
