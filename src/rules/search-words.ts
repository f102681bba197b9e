import type { Collection } from "../collections/model.js";
import { searchDefinition } from "../collections/search-options.js";
import { type SearchWord, WORD_PATTERN } from "../collections/search-types.js";
import { invalidFilter, invalidSearch } from "./errors.js";
import type { Cond } from "./ir.js";

/** Bounds on one query, so a search stays one cheap lookup per word. */
export const SEARCH_LIMITS = {
  maxWords: 16,
  maxWordLength: 100,
  /** A prefix (`ca*`) shorter than this would read most of the index. */
  minPrefixLength: 2,
} as const;

const QUERY_WORD = /([\p{L}\p{N}\p{M}]+)(\*?)/gu;

/**
 * The words of a client's query: runs of letters, digits and marks, lower-cased; a word directly
 * followed by `*` is a prefix. Everything else (quotes, operators, NEAR, `col:`, parentheses) only
 * separates words, so no search engine syntax ever reaches the database. Every word must match.
 */
export function searchWords(query: string, from: "filter" | "search" = "filter"): SearchWord[] {
  const fail = (detail: string) =>
    from === "filter" ? invalidFilter(`search(): ${detail}`) : invalidSearch(detail);
  const words: SearchWord[] = [];
  for (const m of query.matchAll(QUERY_WORD)) {
    const text = (m[1] ?? "").toLowerCase();
    const prefix = m[2] === "*";
    if (words.length >= SEARCH_LIMITS.maxWords) throw fail(`at most ${SEARCH_LIMITS.maxWords} words`);
    if (text.length > SEARCH_LIMITS.maxWordLength)
      throw fail(`a word is longer than ${SEARCH_LIMITS.maxWordLength} characters`);
    if (prefix && text.length < SEARCH_LIMITS.minPrefixLength)
      throw fail(`a prefix needs at least ${SEARCH_LIMITS.minPrefixLength} characters`);
    words.push({ text, prefix });
  }
  if (words.length === 0) throw fail("the query has no words");
  return words;
}

/** `search(query)` on the filtered collection: a 400 when it has no searchable field. */
export function resolveSearch(collection: Collection, query: string): Cond {
  const def = searchDefinition(collection);
  if (!def) throw invalidFilter(`search(): the collection "${collection.name}" has no searchable fields`);
  return { kind: "search", collection, def, words: searchWords(query) };
}

/** The words of a stored text, as the in-memory matcher and snippets read it. */
export function textWords(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return [...value.matchAll(WORD_PATTERN)].map((m) => m[0].toLowerCase());
}

/** Whether one word of a text matches a query word. */
export function wordMatches(word: string, query: SearchWord): boolean {
  return query.prefix ? word.startsWith(query.text) : word === query.text;
}

/**
 * The in-memory form of `search()` (realtime filters): every query word is one of the words of the
 * searchable values. Exact words only: stemming ("english" and the other languages) is the
 * database's, so a stem-only match passes in lists but not here (docs/API.md).
 */
export function matchesWords(values: readonly unknown[], words: readonly SearchWord[]): boolean {
  const all = values.flatMap(textWords);
  return words.every((q) => all.some((w) => wordMatches(w, q)));
}
