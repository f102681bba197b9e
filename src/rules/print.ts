import { type Expr, type Operand, unreachable } from "./ast.js";

/** Prints a tree back to filter text that parses to an equal tree (used by tests and logs). */
export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case "and":
    case "or":
      return `(${printExpr(expr.left)} ${expr.kind === "and" ? "&&" : "||"} ${printExpr(expr.right)})`;
    case "compare":
      return `${printOperand(expr.left)} ${expr.any ? "?" : ""}${expr.op} ${printOperand(expr.right)}`;
    case "search":
      return `search(${JSON.stringify(expr.query)})`;
    default:
      return unreachable(expr);
  }
}

export function printOperand(operand: Operand): string {
  switch (operand.kind) {
    case "string":
      return `"${operand.value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    case "number":
      return Object.is(operand.value, -0) ? "0" : String(operand.value);
    case "bool":
      return String(operand.value);
    case "null":
      return "null";
    case "macro":
      return `@${operand.name}`;
    case "field":
      return withModifier(operand.path.join("."), operand.modifier);
    case "request":
      return withModifier(["@request", operand.area, ...operand.path].join("."), operand.modifier);
    case "collection": {
      const target = operand.alias ? `${operand.name}:${operand.alias}` : operand.name;
      return withModifier(["@collection", target, ...operand.path].join("."), operand.modifier);
    }
    case "call":
      return `${operand.name}(${operand.args.map(printOperand).join(", ")})`;
    default:
      return unreachable(operand);
  }
}

function withModifier(path: string, modifier: string | null): string {
  return modifier ? `${path}:${modifier}` : path;
}
