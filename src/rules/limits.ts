/** Bounds that keep a hostile filter from costing more than a normal one. */
export const LIMITS = {
  maxSourceLength: 3500,
  maxComparisons: 200,
  maxNestingDepth: 32,
  /** Segments of one identifier path (relations, then json keys). */
  maxPathSegments: 12,
  /** Relation/back-relation hops in one path (PocketBase's expand depth). */
  maxRelationHops: 6,
  maxFunctionArgs: 8,
  /** Distinct shared `@collection` rows; each one doubles the compiled SQL (the "no rows" case). */
  maxSharedCollections: 4,
  maxSortTerms: 8,
  /**
   * Comparisons of the list rules one client filter or sort pulls in: each step into a collection
   * whose rows it may only partly see repeats that collection's rule in the SQL (visibility.ts).
   */
  maxVisibilityComparisons: 300,
  cacheEntries: 1000,
} as const;
