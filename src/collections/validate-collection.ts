import { authTemplateIssues } from "../auth/mail/validate-templates.js";
import { ApiError, type IssueMap, issue } from "../errors/api-error.js";
import { compileFilter, parseFilter } from "../rules/index.js";
import type { SqlFragments } from "../store/sql-fragments.js";
import { fieldType } from "./fields/index.js";
import { parseIndex } from "./index-definition.js";
import type { Collection } from "./model.js";
import { searchFieldIssues } from "./search-options.js";

const NAME = /^[A-Za-z0-9_]{1,100}$/;
/** Names that would clash with record keys in responses or with the API's own words. */
// PocketBase's too: filter literals, and SQLite's rowid alias (a column of that name would hide it).
const RESERVED_FIELD_NAMES = new Set([
  "collectionId",
  "collectionName",
  "expand",
  "null",
  "true",
  "false",
  "_rowid_",
]);
const RESERVED_COLLECTION_NAMES = new Set(["_collections", "_migrations", "_params", "_outbox", "_audit"]);
const RULE_KEYS = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule"] as const;

export interface ValidationContext {
  /** Collections as they will be after this change (the candidate included). */
  getCollection(idOrName: string): Collection | undefined;
  /** Every other collection (for name uniqueness). */
  others: Collection[];
  frags: SqlFragments;
}

/** Checks a candidate collection against the others; throws one ApiError listing every problem. */
export function validateCollection(
  c: Collection,
  previous: Collection | undefined,
  ctx: ValidationContext,
): void {
  const issues: IssueMap = {};
  if (!NAME.test(c.name)) {
    issues.name = issue("validation_invalid_name", "Use 1–100 letters, digits and underscores.");
  } else if (RESERVED_COLLECTION_NAMES.has(c.name.toLowerCase()) || (c.name.startsWith("_") && !c.system)) {
    issues.name = issue("validation_reserved_name", "The name is reserved for Backroom's own tables.");
  } else {
    const lower = c.name.toLowerCase();
    if (ctx.others.some((o) => o.name.toLowerCase() === lower))
      issues.name = issue("validation_collection_name_exists", "The name is already taken.");
  }
  if (previous?.system && previous.name !== c.name) {
    issues.name = issue("validation_system_collection_rename", "System collections cannot be renamed.");
  }

  const fieldIssues: IssueMap = {};
  const seen = new Set<string>();
  c.fields.forEach((f, i) => {
    const key = f.name.toLowerCase();
    let problem: IssueMap | undefined;
    if (!NAME.test(f.name))
      problem = { name: issue("validation_invalid_name", "Use 1–100 letters, digits and underscores.") };
    else if (RESERVED_FIELD_NAMES.has(f.name))
      problem = { name: issue("validation_reserved_name", "The name is reserved.") };
    else if (seen.has(key))
      problem = { name: issue("validation_duplicated_name", "Field names must be unique.") };
    seen.add(key);
    const optionIssues = fieldType(f).validateOptions(f, { collection: c, getCollection: ctx.getCollection });
    if (Object.keys(optionIssues).length > 0) problem = { ...optionIssues, ...problem };
    if (problem) fieldIssues[String(i)] = problem;
  });
  if (previous) {
    for (const old of previous.fields) {
      if (old.system && !c.fields.some((f) => f.id === old.id)) {
        fieldIssues[old.name] = issue(
          "validation_system_field_remove",
          `System field "${old.name}" cannot be removed.`,
        );
      }
    }
  }
  for (const [i, problem] of Object.entries(searchFieldIssues(c))) {
    const current = fieldIssues[i];
    fieldIssues[i] = current && !("code" in current) ? { ...current, ...problem } : problem;
  }
  if (c.type !== "view" && !c.fields.some((f) => f.name === "id")) {
    fieldIssues.id = issue("validation_missing_id", "A collection needs an id field.");
  }
  if (Object.keys(fieldIssues).length > 0) issues.fields = fieldIssues;

  if (c.type === "view" && !c.viewQuery?.trim())
    issues.viewQuery = issue("validation_required", "Missing required value.");

  for (const key of RULE_KEYS) checkRule(c, key, c[key], issues, ctx);
  if (c.auth) {
    checkRule(c, "authRule", c.auth.authRule, issues, ctx);
    checkRule(c, "manageRule", c.auth.manageRule, issues, ctx);
    Object.assign(issues, authTemplateIssues(c.auth));
  }

  const indexIssues = checkIndexes(c, ctx.others);
  if (indexIssues) issues.indexes = indexIssues;

  if (Object.keys(issues).length > 0) throw new ApiError(400, "Failed to save the collection.", issues);
}

function checkRule(
  c: Collection,
  key: string,
  rule: string | null,
  issues: IssueMap,
  ctx: ValidationContext,
): void {
  if (rule === null) return;
  if (c.type === "view" && ["createRule", "updateRule", "deleteRule"].includes(key)) {
    issues[key] = issue("validation_view_rule", "View collections are read-only; this rule must be null.");
    return;
  }
  if (rule.trim() === "") return;
  try {
    // Compiling against a superuser scope checks every field path and macro without real request data.
    compileFilter(
      parseFilter(rule),
      {
        collection: c,
        getCollection: ctx.getCollection,
        request: {
          auth: null,
          body: {},
          query: {},
          headers: {},
          method: "GET",
          context: "default",
          isSuperuser: true,
        },
      },
      ctx.frags,
      "r",
    );
  } catch (err) {
    issues[key] = issue("validation_invalid_rule", err instanceof Error ? err.message : "Invalid rule.");
  }
}

function checkIndexes(c: Collection, others: readonly Collection[]): IssueMap | undefined {
  const out: IssueMap = {};
  const names = new Set<string>();
  // Index names are one namespace per database: another collection's name would fail in SQL.
  const taken = new Map<string, string>();
  for (const o of others)
    for (const text of o.indexes) {
      try {
        taken.set(parseIndex(text).name.toLowerCase(), o.name);
      } catch {
        // Stored indexes parsed when they were saved.
      }
    }
  const columns = new Set(c.fields.map((f) => f.name));
  c.indexes.forEach((text, i) => {
    try {
      const def = parseIndex(text);
      if (names.has(def.name.toLowerCase())) throw new Error(`duplicate index name "${def.name}"`);
      names.add(def.name.toLowerCase());
      const usedBy = taken.get(def.name.toLowerCase());
      if (usedBy !== undefined) {
        out[String(i)] = issue(
          "validation_existing_index_name",
          `The index name is already used in the ${usedBy} collection.`,
        );
        return;
      }
      if (c.type === "view") throw new Error("view collections cannot have indexes");
      for (const col of def.columns)
        if (!columns.has(col.name)) throw new Error(`unknown column "${col.name}"`);
      for (const t of def.where)
        if (t.kind === "ident" && !columns.has(t.value)) throw new Error(`unknown column "${t.value}"`);
    } catch (err) {
      out[String(i)] = issue(
        "validation_invalid_index",
        err instanceof Error ? err.message : "Invalid index.",
      );
    }
  });
  return Object.keys(out).length ? out : undefined;
}
