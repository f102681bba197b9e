/**
 * Recognises a unique-constraint failure from either driver and names the columns involved,
 * so the API can answer 400 `validation_not_unique` instead of 500.
 */
export function uniqueViolationColumns(err: unknown): string[] | null {
  if (!err || typeof err !== "object") return null;
  const e = err as { code?: string; message?: string; detail?: string };
  if (e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    // "UNIQUE constraint failed: posts.title, posts.slug"
    const list = e.message?.split(":")[1] ?? "";
    return list
      .split(",")
      .map((s) => s.trim().split(".").pop() ?? "")
      .filter(Boolean);
  }
  if (e.code === "23505") {
    // detail: 'Key (title, slug)=(a, b) already exists.' — expression indexes have no plain names.
    const m = /^Key \(([^)]*)\)=/.exec(e.detail ?? "");
    return m ? (m[1] as string).split(",").map((s) => s.trim().replace(/^"|"$/g, "")) : [];
  }
  return null;
}
