import { type Comparison, type Expr, type Operand, unreachable } from "./ast.js";
import { cachedResolve, type Made } from "./compile-cache.js";
import { invalidFilter } from "./errors.js";
import type { Cond, Side, Term } from "./ir.js";
import { LIMITS } from "./limits.js";
import { macroValue } from "./macros.js";
import { printOperand } from "./print.js";
import { newResolveContext, type ResolveContext } from "./resolve-context.js";
import { resolvePath } from "./resolve-path.js";
import { resolveRequest } from "./resolve-request.js";
import { compareType, requireText } from "./resolve-types.js";
import type { RuleScope } from "./scope.js";
import { resolveSearch } from "./search-words.js";
import { parseDateModifier, parseStrftimeFormat } from "./strftime.js";
import { guardMode, visibleRows } from "./visibility.js";

/**
 * Resolves a parsed filter against a collection and request; throws ApiError 400 on bad names or
 * types. Also tells what of the requester the result depends on (for the compile cache).
 */
export function resolveFilter(expr: Expr, scope: RuleScope): Made<Cond> {
  const ctx = resolveContext(scope);
  let cond = resolveExpr(ctx, expr);
  // Shared @collection rows are chosen once for the whole filter, innermost last.
  for (const binding of [...ctx.bindings.values()].reverse()) cond = { kind: "exists", binding, body: cond };
  return { value: cond, reads: ctx.reads };
}

/** A context whose steps into other collections see what visibility.ts allows this scope. */
export function resolveContext(scope: RuleScope): ResolveContext {
  const mode = guardMode(scope);
  return newResolveContext(scope, (collection, reads) =>
    visibleRows(collection, scope, mode, reads, resolveRule),
  );
}

/** A target's list rule, resolved once per collection version and requester (as client filters are). */
function resolveRule(expr: Expr, scope: RuleScope): Cond {
  return cachedResolve(expr, scope, () => resolveFilter(expr, scope));
}

function resolveExpr(ctx: ResolveContext, expr: Expr): Cond {
  switch (expr.kind) {
    case "and":
    case "or":
      return { kind: expr.kind, left: resolveExpr(ctx, expr.left), right: resolveExpr(ctx, expr.right) };
    case "compare":
      return resolveComparison(ctx, expr);
    case "search":
      return resolveSearch(ctx.scope.collection, expr.query);
    default:
      return unreachable(expr);
  }
}

interface ResolvedOperand {
  term: Term;
  each: boolean;
  lower: boolean;
}

function resolveComparison(ctx: ResolveContext, node: Comparison): Cond {
  const describe = () =>
    `${printOperand(node.left)} ${node.any ? "?" : ""}${node.op} ${printOperand(node.right)}`;
  const left = resolveOperand(ctx, node.left, node.any);
  const right = resolveOperand(ctx, node.right, node.any);
  const side = (o: ResolvedOperand): Side => ({
    term: o.term,
    quantifier: o.each ? "all" : node.any ? "any" : "all",
  });
  if (node.op === "~" || node.op === "!~" || left.lower || right.lower) {
    const what = node.op === "~" || node.op === "!~" ? node.op : ":lower";
    requireText(left.term, what, describe);
    requireText(right.term, what, describe);
  }
  if (node.op === "~" || node.op === "!~") {
    return { kind: "like", negate: node.op === "!~", value: side(left), pattern: side(right) };
  }
  const lower = left.lower || right.lower;
  const type = lower
    ? "text"
    : compareType(left.term, right.term, node.op === "=" || node.op === "!=", describe);
  return { kind: "compare", op: node.op, type, lower, left: side(left), right: side(right) };
}

function resolveOperand(ctx: ResolveContext, operand: Operand, anyOp: boolean): ResolvedOperand {
  const plain = (term: Term): ResolvedOperand => ({ term, each: false, lower: false });
  switch (operand.kind) {
    case "string":
    case "number":
    case "bool":
      return plain({ kind: "literal", values: [operand.value], multi: false });
    case "null":
      return plain({ kind: "literal", values: [null], multi: false });
    case "macro":
      return plain({ kind: "literal", values: [macroValue(operand.name, ctx.now)], multi: false });
    case "field": {
      const start = { kind: "record", collection: ctx.scope.collection } as const;
      return withFlags(resolvePath(ctx, start, operand.path, operand.modifier), operand.modifier);
    }
    case "request":
      return withFlags(resolveRequest(ctx, operand), operand.modifier);
    case "collection": {
      const collection = ctx.scope.getCollection(operand.name);
      if (!collection) throw invalidFilter(`unknown collection "${operand.name}" in @collection`);
      const shared = anyOp && operand.modifier !== "each";
      const key = operand.alias ? `${operand.name}:${operand.alias}` : operand.name;
      let binding = ctx.bindings.get(key);
      if (shared && !binding) {
        if (ctx.bindings.size >= LIMITS.maxSharedCollections) {
          throw invalidFilter(
            `too many different @collection references (max ${LIMITS.maxSharedCollections})`,
          );
        }
        binding = { id: ctx.bindings.size + 1, collection, visible: ctx.visible(collection) };
        ctx.bindings.set(key, binding);
      }
      const start =
        shared && binding
          ? { kind: "binding" as const, id: binding.id, collection }
          : { kind: "scan" as const, collection, visible: ctx.visible(collection) };
      return withFlags(resolvePath(ctx, start, operand.path, operand.modifier), operand.modifier);
    }
    case "call":
      return plain(resolveCall(ctx, operand));
    default:
      return unreachable(operand);
  }
}

function withFlags(term: Term, modifier: string | null): ResolvedOperand {
  return { term, each: modifier === "each", lower: modifier === "lower" };
}

function resolveCall(ctx: ResolveContext, call: Extract<Operand, { kind: "call" }>): Term {
  const scalarArg = (operand: Operand, what: string): Term => {
    const resolved = resolveOperand(ctx, operand, false);
    const term = resolved.term;
    const multi = (term.kind === "literal" || term.kind === "path") && term.multi;
    if (resolved.each || resolved.lower || multi) {
      throw invalidFilter(`${call.name}(): ${what} must be a single value, got ${printOperand(operand)}`);
    }
    return term;
  };
  if (call.name === "strftime") {
    const [format, value, ...modifiers] = call.args;
    if (format?.kind !== "string") throw invalidFilter("strftime(): the format must be a quoted string");
    if (!value) throw invalidFilter("strftime(): missing the date argument");
    const valueTerm = scalarArg(value, "the date");
    requireText(valueTerm, "strftime()", () => printOperand(value));
    return {
      kind: "strftime",
      format: format.value,
      pieces: parseStrftimeFormat(format.value),
      value: valueTerm,
      modifiers: modifiers.map((m) => {
        if (m.kind !== "string") throw invalidFilter("strftime(): modifiers must be quoted strings");
        return parseDateModifier(m.value);
      }),
    };
  }
  const args = call.args.map((a, i) => {
    const term = scalarArg(a, `argument ${i + 1}`);
    const type = term.kind === "path" ? term.type : "number";
    if (type === "text" || type === "bool")
      throw invalidFilter(`geoDistance(): argument ${i + 1} must be a number`);
    return term;
  });
  const [a, b, c, d] = args;
  if (!a || !b || !c || !d) throw invalidFilter("geoDistance() takes 4 arguments");
  return { kind: "geoDistance", args: [a, b, c, d] };
}
