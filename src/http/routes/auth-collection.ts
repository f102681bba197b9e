import type { Collection } from "../../collections/model.js";
import { notFound } from "../../errors/api-error.js";
import type { Services } from "../services.js";

/** The auth collection a route names, or the 404 PocketBase gives for anything else. */
export function authCollection(services: Services, idOrName: string): Collection {
  const c = services.registry.get(idOrName);
  if (c?.type !== "auth") throw notFound("Missing or invalid auth collection context.");
  return c;
}
