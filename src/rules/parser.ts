import type { CompareOp, Comparison, Expr, FunctionName, Operand, SearchCall } from "./ast.js";
import { invalidFilter } from "./errors.js";
import { type Token, tokenize } from "./lexer.js";
import { LIMITS } from "./limits.js";
import { parseIdentifier } from "./parse-operand.js";

const FUNCTIONS: Record<FunctionName, { min: number; max: number }> = {
  strftime: { min: 2, max: LIMITS.maxFunctionArgs },
  geoDistance: { min: 4, max: 4 },
};

/** Parses filter text into a frozen tree; every failure is an ApiError 400 with a readable message. */
export function parse(source: string): Expr {
  if (source.length > LIMITS.maxSourceLength) {
    throw invalidFilter(`the expression is too long (max ${LIMITS.maxSourceLength} characters)`);
  }
  const parser = new Parser(tokenize(source));
  const expr = parser.parseOr(0);
  const extra = parser.peek();
  if (extra) throw invalidFilter(`unexpected ${describe(extra)} at position ${extra.pos}`);
  return expr;
}

class Parser {
  private index = 0;
  private comparisons = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(expected: string): Token {
    const token = this.tokens[this.index++];
    if (!token) throw invalidFilter(`unexpected end of expression, expected ${expected}`);
    return token;
  }

  parseOr(depth: number): Expr {
    let left = this.parseAnd(depth);
    while (this.peek()?.kind === "or") {
      this.index++;
      left = Object.freeze({ kind: "or", left, right: this.parseAnd(depth) });
    }
    return left;
  }

  private parseAnd(depth: number): Expr {
    let left = this.parsePrimary(depth);
    while (this.peek()?.kind === "and") {
      this.index++;
      left = Object.freeze({ kind: "and", left, right: this.parsePrimary(depth) });
    }
    return left;
  }

  private parsePrimary(depth: number): Expr {
    const head = this.peek();
    if (
      head?.kind === "identifier" &&
      head.text === "search" &&
      this.tokens[this.index + 1]?.kind === "lparen"
    )
      return this.parseSearch();
    if (head?.kind !== "lparen") return this.parseComparison();
    const open = this.next("(");
    if (depth + 1 > LIMITS.maxNestingDepth) {
      throw invalidFilter(
        `parentheses nested too deeply at position ${open.pos} (max ${LIMITS.maxNestingDepth})`,
      );
    }
    const inner = this.parseOr(depth + 1);
    const close = this.next("')'");
    if (close.kind !== "rparen")
      throw invalidFilter(`expected ')' at position ${close.pos}, got ${describe(close)}`);
    return inner;
  }

  /** `search('words')`: one quoted string, the query (its words are read by search-words.ts). */
  private parseSearch(): SearchCall {
    const name = this.next("search");
    this.next("(");
    const query = this.next("a quoted search query");
    if (query.kind !== "string")
      throw invalidFilter(`search() takes one quoted string at position ${name.pos}, got ${describe(query)}`);
    const close = this.next("')'");
    if (close.kind !== "rparen")
      throw invalidFilter(`search() takes one quoted string at position ${name.pos}`);
    if (++this.comparisons > LIMITS.maxComparisons) {
      throw invalidFilter(`too many expressions (max ${LIMITS.maxComparisons})`);
    }
    return Object.freeze({ kind: "search", query: query.text });
  }

  private parseComparison(): Comparison {
    const left = this.parseOperand();
    const opToken = this.next("an operator");
    if (opToken.kind !== "operator") {
      throw invalidFilter(`expected an operator at position ${opToken.pos}, got ${describe(opToken)}`);
    }
    const right = this.parseOperand();
    if (++this.comparisons > LIMITS.maxComparisons) {
      throw invalidFilter(`too many expressions (max ${LIMITS.maxComparisons})`);
    }
    const any = opToken.text.startsWith("?");
    const op = (any ? opToken.text.slice(1) : opToken.text) as CompareOp;
    return Object.freeze({ kind: "compare", op, any, left, right });
  }

  private parseOperand(): Operand {
    const token = this.next("a value or field");
    switch (token.kind) {
      case "string":
        return Object.freeze({ kind: "string", value: token.text });
      case "number":
        return Object.freeze({ kind: "number", value: Number(token.text) });
      case "identifier":
        if (this.peek()?.kind === "lparen") return this.parseCall(token);
        return parseIdentifier(token.text, token.pos);
      default:
        throw invalidFilter(`expected a value or field at position ${token.pos}, got ${describe(token)}`);
    }
  }

  private parseCall(nameToken: Token): Operand {
    const name = nameToken.text;
    if (!Object.hasOwn(FUNCTIONS, name)) {
      throw invalidFilter(`unknown function ${JSON.stringify(name)} at position ${nameToken.pos}`);
    }
    const arity = FUNCTIONS[name as FunctionName];
    this.next("(");
    const args: Operand[] = [];
    if (this.peek()?.kind === "rparen") this.index++;
    else {
      for (;;) {
        args.push(this.parseOperand());
        const sep = this.next("',' or ')'");
        if (sep.kind === "rparen") break;
        if (sep.kind !== "comma")
          throw invalidFilter(`expected ',' or ')' at position ${sep.pos}, got ${describe(sep)}`);
      }
    }
    if (args.length < arity.min || args.length > arity.max) {
      const count = arity.min === arity.max ? `${arity.min}` : `${arity.min} to ${arity.max}`;
      throw invalidFilter(`${name}() takes ${count} arguments, got ${args.length}`);
    }
    return Object.freeze({ kind: "call", name: name as FunctionName, args: Object.freeze(args) });
  }
}

function describe(token: Token): string {
  return token.kind === "string" ? "a string" : JSON.stringify(token.text);
}
