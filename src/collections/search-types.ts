/** The vocabulary of full-text search, shared by the model, the rules and the stores (imports nothing). */

/**
 * Full-text search languages: PostgreSQL's text search configurations of the same name. "simple"
 * only lower-cases words; "english" also stems them (Porter on SQLite too). The other languages
 * stem on PostgreSQL only: SQLite's FTS5 has no stemmer for them and indexes their words as
 * "simple" does (docs/API.md, "Full-text search").
 */
export const SEARCH_LANGUAGES = [
  "simple",
  "english",
  "danish",
  "dutch",
  "finnish",
  "french",
  "german",
  "hungarian",
  "italian",
  "norwegian",
  "portuguese",
  "romanian",
  "russian",
  "spanish",
  "swedish",
  "turkish",
] as const;
export type SearchLanguage = (typeof SEARCH_LANGUAGES)[number];
export const DEFAULT_SEARCH_LANGUAGE: SearchLanguage = "simple";

/** What a collection's search index holds: its searchable columns, in field order, and the language. */
export interface SearchDefinition {
  /** The collection's table. */
  table: string;
  fields: readonly string[];
  language: SearchLanguage;
}

/**
 * What a word is to search queries, snippets and the in-memory matcher: a run of Unicode letters,
 * digits and combining marks (close to FTS5's unicode61 tokenizer; PostgreSQL's parser differs at
 * the edges, docs/API.md "Full-text search").
 */
export const WORD_PATTERN = /[\p{L}\p{N}\p{M}]+/gu;

/** One word of a search query: letters, digits and marks only (so no engine syntax), lower-cased. */
export interface SearchWord {
  text: string;
  /** `cake*`: matches words that begin with `text`. */
  prefix: boolean;
}
