import { CompiledQuery, type RawBuilder } from "kysely";
import type { Db } from "../store/store.js";

/**
 * Compiled SQL for the records API's hot queries, kept per (where, order, table) so a request only
 * swaps in its own parameter values instead of building and compiling the query again. `where`
 * and `order` are the cached, immutable builders from the rule compiler; a schema change makes new
 * ones, so stale templates are simply never looked up again (and are collected with their keys).
 */
export class StatementTemplates {
  private readonly byWhere = new WeakMap<RawBuilder<unknown>, Map<string, CompiledQuery>>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;

  /**
   * The query built by `build` (whose varying values must be its LAST `varying` parameters), with
   * those values replaced by `values`.
   */
  get(
    db: Db,
    where: RawBuilder<unknown>,
    key: string,
    varying: readonly unknown[],
    build: () => RawBuilder<unknown>,
    position: "first" | "last" = "last",
  ): CompiledQuery {
    let perWhere = this.byWhere.get(where);
    if (!perWhere) {
      perWhere = new Map();
      this.byWhere.set(where, perWhere);
    }
    let template = perWhere.get(key);
    if (!template) {
      template = build().compile(db);
      if (perWhere.size >= 200) perWhere.clear();
      perWhere.set(key, template);
    }
    const params = template.parameters;
    const n = varying.length;
    const merged =
      position === "last"
        ? [...params.slice(0, params.length - n), ...varying]
        : [...varying, ...params.slice(n)];
    return CompiledQuery.raw(template.sql, merged);
  }

  /** A stable small number for an object (to put builders into string keys). */
  idOf(value: object): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(value, id);
    }
    return id;
  }
}
