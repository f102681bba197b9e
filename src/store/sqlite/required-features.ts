import type BetterSqlite3 from "better-sqlite3";

/**
 * The rule compiler emits JSON functions and math (geoDistance); better-sqlite3's bundled SQLite
 * has both. A build without them would fail later on some filters with an obscure error, so say
 * so once, at open.
 */
export function assertSqliteFeatures(db: BetterSqlite3.Database): void {
  try {
    db.prepare("SELECT sin(1) + sqrt(4) + radians(180) AS m, json_array_length('[1]') AS j").get();
  } catch (err) {
    throw new Error(
      `this SQLite build lacks math or JSON functions Backroom needs: ${(err as Error).message}`,
    );
  }
}
