import { normalizeField } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";

/**
 * `_logs` described as a collection, so that `/api/logs` filters and sorts go through the rules
 * engine (same language, same SQL on both stores) instead of a parser of their own. It is never
 * registered: no records API, no rule, no relation can reach it, and filters on it cannot reach
 * other collections (`getCollection` finds none).
 */
export const LOGS_COLLECTION: Collection = Object.freeze({
  id: "_pbc_logs",
  name: "_logs",
  type: "base",
  system: true,
  fields: [
    normalizeField({ id: "logs_id", name: "id", type: "text", system: true, primaryKey: true }),
    normalizeField({ id: "logs_created", name: "created", type: "autodate", system: true, onCreate: true }),
    normalizeField({
      id: "logs_updated",
      name: "updated",
      type: "autodate",
      system: true,
      onCreate: true,
      onUpdate: true,
    }),
    normalizeField({ id: "logs_level", name: "level", type: "number", system: true }),
    normalizeField({ id: "logs_message", name: "message", type: "text", system: true }),
    normalizeField({ id: "logs_data", name: "data", type: "json", system: true }),
  ],
  indexes: [],
  listRule: null,
  viewRule: null,
  createRule: null,
  updateRule: null,
  deleteRule: null,
  created: "",
  updated: "",
}) as Collection;
