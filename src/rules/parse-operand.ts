import type { CollectionRef, FieldRef, MacroName, Modifier, Operand, RequestRef } from "./ast.js";
import { MODIFIERS } from "./ast.js";
import { invalidFilter } from "./errors.js";
import { LIMITS } from "./limits.js";

const MACROS: ReadonlySet<string> = new Set<MacroName>([
  "now",
  "yesterday",
  "tomorrow",
  "second",
  "minute",
  "hour",
  "weekday",
  "day",
  "month",
  "year",
  "todayStart",
  "todayEnd",
  "monthStart",
  "monthEnd",
  "yearStart",
  "yearEnd",
]);
const REQUEST_AREAS = new Set(["auth", "body", "query", "headers", "method", "context"]);
const SEGMENT = /^[A-Za-z0-9_]+$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Turns one identifier token (`author.name:lower`, `@request.body.x:isset`, `true`) into an operand. */
export function parseIdentifier(text: string, pos: number): Operand {
  if (text === "null") return { kind: "null" };
  if (text === "true" || text === "false") return { kind: "bool", value: text === "true" };
  const { segments, modifier } = splitModifier(text, pos);
  if (segments.length > LIMITS.maxPathSegments) {
    throw invalidFilter(`the path at position ${pos} is too long (max ${LIMITS.maxPathSegments} segments)`);
  }
  const [head = "", ...rest] = segments;
  if (!head.startsWith("@")) {
    checkSegments(segments, text, pos);
    return freeze<FieldRef>({ kind: "field", path: segments, modifier });
  }
  if (head === "@request") return parseRequest(rest, modifier, text, pos);
  if (head === "@collection") return parseCollection(rest, modifier, text, pos);
  const macro = head.slice(1);
  if (rest.length === 0 && modifier === null && MACROS.has(macro)) {
    return { kind: "macro", name: macro as MacroName };
  }
  throw invalidFilter(`unknown identifier ${JSON.stringify(text)} at position ${pos}`);
}

function splitModifier(text: string, pos: number): { segments: string[]; modifier: Modifier | null } {
  const segments = text.split(".");
  const last = segments[segments.length - 1] ?? "";
  const colon = last.indexOf(":");
  // `@collection.name:alias` keeps its colon in the name segment.
  if (colon < 0 || (segments.length === 2 && segments[0] === "@collection"))
    return { segments, modifier: null };
  const modifier = last.slice(colon + 1);
  if (!(MODIFIERS as readonly string[]).includes(modifier)) {
    throw invalidFilter(`unknown modifier ":${modifier}" at position ${pos}`);
  }
  segments[segments.length - 1] = last.slice(0, colon);
  return { segments, modifier: modifier as Modifier };
}

function checkSegments(segments: readonly string[], text: string, pos: number): void {
  if (segments.length === 0 || !NAME.test(segments[0] ?? "") || !segments.every((s) => SEGMENT.test(s))) {
    throw invalidFilter(`malformed identifier ${JSON.stringify(text)} at position ${pos}`);
  }
}

function parseRequest(rest: string[], modifier: Modifier | null, text: string, pos: number): RequestRef {
  const [area = "", ...path] = rest;
  if (!REQUEST_AREAS.has(area))
    throw invalidFilter(`unknown identifier ${JSON.stringify(text)} at position ${pos}`);
  const scalarArea = area === "method" || area === "context";
  if (scalarArea ? path.length > 0 : path.length === 0) {
    throw invalidFilter(`malformed identifier ${JSON.stringify(text)} at position ${pos}`);
  }
  if (path.length > 0) checkSegments(path, text, pos);
  return freeze<RequestRef>({ kind: "request", area: area as RequestRef["area"], path, modifier });
}

function parseCollection(
  rest: string[],
  modifier: Modifier | null,
  text: string,
  pos: number,
): CollectionRef {
  const [target = "", ...path] = rest;
  const [name = "", alias = null, extra] = target.split(":");
  const aliasOk = alias === null || NAME.test(alias);
  if (!NAME.test(name) || !aliasOk || extra !== undefined || path.length === 0) {
    throw invalidFilter(`malformed identifier ${JSON.stringify(text)} at position ${pos}`);
  }
  checkSegments(path, text, pos);
  return freeze<CollectionRef>({ kind: "collection", name, alias, path, modifier });
}

function freeze<T extends { path: readonly string[] }>(node: T): T {
  Object.freeze(node.path);
  return Object.freeze(node);
}
