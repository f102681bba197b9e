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
  cacheEntries: 1000,
} as const;
