import { randomInt } from "node:crypto";

/**
 * Generates a random string matching a simple regular expression, for text fields'
 * `autogeneratePattern` (e.g. `[a-z0-9]{15}` for record ids). Supported: literals, escapes
 * (`\d \w \s` and escaped punctuation), `.`, classes with ranges (`[a-z0-9_-]`), groups with
 * alternation (`(ab|cd)`), and the quantifiers `{n}` `{n,}` `{n,m}` `?` `*` `+`; anchors are
 * ignored. Negated classes, backreferences and lookarounds throw, as nothing sensible can be drawn.
 * Randomness comes from node:crypto, because generated values are used as unguessable ids.
 */

type Range = readonly [number, number];
type Node =
  | { kind: "chars"; ranges: Range[]; size: number }
  | { kind: "alt"; options: Node[][] }
  | { kind: "repeat"; node: Node; min: number; max: number };

/** Unbounded quantifiers (`*`, `+`, `{n,}`) repeat at most this many extra times. */
const OPEN_REPEAT_EXTRA = 10;
const MAX_GENERATED_LENGTH = 10_000;

const DIGITS: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: Range[] = [[0x20, 0x20]];
const ANY: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
];

function charsNode(ranges: Range[]): Node {
  const size = ranges.reduce((sum, [lo, hi]) => sum + hi - lo + 1, 0);
  return { kind: "chars", ranges, size };
}

function single(char: string): Range[] {
  const code = char.codePointAt(0)!;
  return [[code, code]];
}

class PatternParser {
  private pos = 0;
  private readonly chars: string[];

  constructor(pattern: string) {
    this.chars = [...pattern];
  }

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.chars.length) throw this.error(`unexpected "${this.chars[this.pos]}"`);
    return node;
  }

  private error(message: string): Error {
    return new Error(`Unsupported autogenerate pattern: ${message} at position ${this.pos}.`);
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private next(): string {
    const char = this.chars[this.pos];
    if (char === undefined) throw this.error("unexpected end");
    this.pos++;
    return char;
  }

  private alternation(): Node {
    const options: Node[][] = [this.sequence()];
    while (this.peek() === "|") {
      this.pos++;
      options.push(this.sequence());
    }
    return { kind: "alt", options };
  }

  private sequence(): Node[] {
    const nodes: Node[] = [];
    for (let char = this.peek(); char !== undefined && char !== "|" && char !== ")"; char = this.peek()) {
      if (char === "^" || char === "$") {
        this.pos++;
        continue;
      }
      nodes.push(this.quantified(this.atom()));
    }
    return nodes;
  }

  private atom(): Node {
    const char = this.next();
    switch (char) {
      case "(": {
        if (this.peek() === "?") {
          this.pos++;
          if (this.next() !== ":") throw this.error("only (?: ) groups are supported");
        }
        const group = this.alternation();
        if (this.next() !== ")") throw this.error("unclosed group");
        return group;
      }
      case "[":
        return charsNode(this.classRanges());
      case "\\":
        return charsNode(this.escape());
      case ".":
        return charsNode(ANY);
      case "*":
      case "+":
      case "?":
      case "{":
        throw this.error(`nothing to repeat before "${char}"`);
      default:
        return charsNode(single(char));
    }
  }

  private escape(): Range[] {
    const char = this.next();
    if (char === "d") return DIGITS;
    if (char === "w") return WORD;
    if (char === "s") return SPACE;
    if (/[A-Za-z0-9]/.test(char)) throw this.error(`escape \\${char}`);
    return single(char);
  }

  private classRanges(): Range[] {
    if (this.peek() === "^") throw this.error("negated classes");
    const ranges: Range[] = [];
    while (this.peek() !== "]") {
      const char = this.next();
      const start = char === "\\" ? this.escape() : single(char);
      const isRange = this.peek() === "-" && this.chars[this.pos + 1] !== "]" && start.length === 1;
      if (!isRange) {
        ranges.push(...start);
        continue;
      }
      this.pos++;
      const endChar = this.next();
      const end = endChar === "\\" ? this.escape() : single(endChar);
      const lo = start[0]![0];
      const hi = end[0]![0];
      if (end.length !== 1 || hi < lo) throw this.error("invalid class range");
      ranges.push([lo, hi]);
    }
    this.pos++;
    if (ranges.length === 0) throw this.error("empty class");
    return ranges;
  }

  private quantified(node: Node): Node {
    const char = this.peek();
    if (char === "?") return this.repeat(node, 0, 1);
    if (char === "*") return this.repeat(node, 0, OPEN_REPEAT_EXTRA);
    if (char === "+") return this.repeat(node, 1, 1 + OPEN_REPEAT_EXTRA);
    if (char !== "{") return node;
    const rest = this.chars.slice(this.pos).join("");
    const match = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (!match) return node;
    this.pos += [...match[0]].length - 1;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] ? Number(match[3]) : min + OPEN_REPEAT_EXTRA;
    if (max < min) throw this.error("invalid repeat range");
    return this.repeat(node, min, max);
  }

  private repeat(node: Node, min: number, max: number): Node {
    this.pos++;
    if (this.peek() === "?") this.pos++; // lazy quantifiers generate the same strings
    if (max > MAX_GENERATED_LENGTH) throw this.error("repeat count too large");
    return { kind: "repeat", node, min, max };
  }
}

function pickChar(node: Extract<Node, { kind: "chars" }>): string {
  let index = randomInt(node.size);
  for (const [lo, hi] of node.ranges) {
    const width = hi - lo + 1;
    if (index < width) return String.fromCodePoint(lo + index);
    index -= width;
  }
  throw new Error("unreachable: index outside the class");
}

function emit(node: Node, out: string[]): void {
  if (out.length > MAX_GENERATED_LENGTH) throw new Error("Autogenerate pattern produces too long values.");
  switch (node.kind) {
    case "chars":
      out.push(pickChar(node));
      return;
    case "alt": {
      const option = node.options[node.options.length === 1 ? 0 : randomInt(node.options.length)]!;
      for (const child of option) emit(child, out);
      return;
    }
    case "repeat": {
      const count = node.min === node.max ? node.min : randomInt(node.min, node.max + 1);
      for (let i = 0; i < count; i++) emit(node.node, out);
      return;
    }
  }
}

/** Parsed patterns by text: every create draws its id from the same few patterns. */
const parsed = new Map<string, Node>();
const MAX_PARSED = 500;

export function generateFromPattern(pattern: string): string {
  let tree = parsed.get(pattern);
  if (tree === undefined) {
    tree = new PatternParser(pattern).parse();
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(pattern, tree);
  }
  const out: string[] = [];
  emit(tree, out);
  return out.join("");
}
