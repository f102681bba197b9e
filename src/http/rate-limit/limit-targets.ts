import type { FastifyRequest } from "fastify";
import type { CollectionRegistry } from "../../collections/registry.js";
import { routeTemplate } from "../route-template.js";
import { batchTags, routeTags } from "./action-tags.js";
import { type LimitTarget, labelPath } from "./limit-checks.js";

/** A request to a matched route (or to no route: then only path labels apply). */
export function routeTarget(request: FastifyRequest, registry: CollectionRegistry): LimitTarget {
  const target: LimitTarget = { method: request.method, path: labelPath(request.url) };
  const tags = routeTags(request.method, routeTemplate(request));
  const name = (request.params as Record<string, unknown> | undefined)?.collection;
  // An unknown collection gets no action check; the route answers 404 itself.
  const collection = typeof name === "string" ? registry.get(name) : undefined;
  if (tags.length > 0 && collection) {
    target.action = { collectionId: collection.id, collectionName: collection.name, tags };
  }
  return target;
}

const RECORDS_PATH = /^\/api\/collections\/([^/]+)\/records(?:\/([^/]+))?\/?$/;

/** A batch sub-request, counted as the records route it stands for. */
export function batchTarget(registry: CollectionRegistry, method: string, url: string): LimitTarget {
  const target: LimitTarget = { method, path: labelPath(url) };
  const m = RECORDS_PATH.exec(url.split("?", 1)[0] ?? "");
  const collection = m?.[1] === undefined ? undefined : registry.get(safeDecode(m[1]));
  const tags = batchTags(method, m?.[2] !== undefined);
  if (collection && tags.length > 0) {
    target.action = { collectionId: collection.id, collectionName: collection.name, tags };
  }
  return target;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
