/** What a filter's compiled form depends on besides its text and the collection version. */
import type { Expr, Operand } from "./ast.js";

/** Read from the tree alone: what the filter text itself refers to. */
export interface Dependencies {
  /** false when the SQL depends on the clock (macros) or on per-request data (body, query, headers…). */
  cacheable: boolean;
  /** First path segments of `@request.auth.*` references: the compiled SQL binds these values. */
  authFields: string[];
  /** Whether some path may leave the record (relation, back-relation, @collection): see visibility.ts. */
  mayHop: boolean;
}

/**
 * Found while resolving: what of the requester the result depends on through the rules it pulled
 * in (the list rules of the collections a client filter steps into) or the email leaves it made.
 */
export interface RequesterReads {
  /** The result differs per principal (auth record or API key). */
  identity: boolean;
  /** `@request.auth.*` first segments those rules read. */
  authFields: Set<string>;
  /** false when one of those rules reads the clock or the request body/query/headers. */
  cacheable: boolean;
}

export function newReads(): RequesterReads {
  return { identity: false, authFields: new Set(), cacheable: true };
}

const dependencies = new WeakMap<Expr, Dependencies>();

export function dependenciesOf(expr: Expr): Dependencies {
  let deps = dependencies.get(expr);
  if (deps) return deps;
  deps = { cacheable: true, authFields: [], mayHop: false };
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (e.kind === "compare") {
      operandDeps(e.left, deps);
      operandDeps(e.right, deps);
    } else if (e.kind !== "search") {
      stack.push(e.left, e.right);
    }
  }
  deps.authFields = [...new Set(deps.authFields)];
  dependencies.set(expr, deps);
  return deps;
}

function operandDeps(op: Operand, deps: Dependencies): void {
  if (operandMayHop(op)) deps.mayHop = true;
  switch (op.kind) {
    case "macro":
      deps.cacheable = false;
      return;
    case "request":
      if (op.area === "auth") deps.authFields.push(op.path[0] ?? "");
      else deps.cacheable = false;
      return;
    case "call":
      for (const arg of op.args) operandDeps(arg, deps);
      return;
    case "string":
    case "number":
    case "bool":
    case "null":
    case "field":
    case "collection":
      return;
  }
}

/** Conservative: any dotted field path or `_via_` name counts, before names are looked up. */
export function operandMayHop(operand: Operand): boolean {
  switch (operand.kind) {
    case "collection":
      return true;
    case "field":
      return segmentsMayHop(operand.path);
    case "request":
      return (operand.area === "auth" || operand.area === "body") && operand.path.length > 1;
    case "call":
      return operand.args.some(operandMayHop);
    default:
      return false;
  }
}

export function segmentsMayHop(path: readonly string[]): boolean {
  return path.length > 1 || path.some((p) => p.includes("_via_"));
}
