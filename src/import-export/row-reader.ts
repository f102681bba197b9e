/** One row of an import body: its values, or why it can't be read. `line` counts from 1. */
export interface ReadRow {
  line: number;
  fields?: string[];
  object?: Record<string, unknown>;
  error?: string;
}

/** Longest row an import reads (characters); a longer one is rejected, not buffered. */
export const DEFAULT_MAX_ROW_CHARS = 1024 * 1024;

async function* textOf(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of source) {
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (text !== "") yield text;
  }
  const rest = decoder.decode();
  if (rest !== "") yield rest;
}

type State = "start" | "unquoted" | "quoted" | "afterQuote" | "skip";

/**
 * Streams CSV records (RFC 4180: `"` quotes, `""` inside quotes, CRLF or LF) without holding more
 * than one row. A row with bad quoting is reported and skipped up to the next line break; a row
 * longer than `maxChars` is reported and its values dropped as they arrive; a blank line is no row.
 */
export async function* csvRows(
  source: AsyncIterable<Uint8Array | string>,
  maxChars = DEFAULT_MAX_ROW_CHARS,
): AsyncGenerator<ReadRow> {
  let line = 1;
  let rowLine = 1;
  let fields: string[] = [];
  let field = "";
  let size = 0;
  let state: State = "start";
  let error: string | undefined;
  let sawAny = false;

  const fail = (message: string) => {
    error ??= message;
    state = "skip";
  };
  const endField = () => {
    fields.push(field);
    field = "";
  };
  const endRow = (): ReadRow | undefined => {
    const blank = !error && fields.length === 1 && fields[0] === "" && !sawAny;
    const row: ReadRow | undefined = blank
      ? undefined
      : error
        ? { line: rowLine, error }
        : { line: rowLine, fields };
    fields = [];
    field = "";
    size = 0;
    error = undefined;
    sawAny = false;
    state = "start";
    rowLine = line;
    return row;
  };

  for await (const text of textOf(source)) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (ch === "\n") line++;
      if ((state as State) === "skip") {
        if (ch === "\n") {
          const row = endRow();
          if (row) yield row;
        }
        continue;
      }
      if (++size > maxChars && !error) {
        error = `The row is longer than ${maxChars} characters.`;
        field = "";
        fields = [];
      }
      const keep = error === undefined;
      switch (state) {
        case "start":
        case "unquoted":
          if (ch === ",") {
            endField();
            state = "start";
            sawAny = true;
          } else if (ch === "\n") {
            endField();
            const row = endRow();
            if (row) yield row;
          } else if (ch === "\r") {
            // CRLF: the LF ends the row.
          } else if (ch === '"') {
            if (state === "start" && field === "") {
              state = "quoted";
              sawAny = true;
            } else
              fail(
                "Bad quoting: a quote inside an unquoted value (quote the whole value and double inner quotes).",
              );
          } else {
            if (keep) field += ch;
            state = "unquoted";
            sawAny = true;
          }
          break;
        case "quoted":
          if (ch === '"') state = "afterQuote";
          else if (keep) field += ch;
          break;
        case "afterQuote":
          if (ch === '"') {
            if (keep) field += '"';
            state = "quoted";
          } else if (ch === ",") {
            endField();
            state = "start";
          } else if (ch === "\n") {
            endField();
            const row = endRow();
            if (row) yield row;
          } else if (ch !== "\r") fail("Bad quoting: text after a closing quote.");
          break;
      }
    }
  }
  if (state === "quoted") fail("Bad quoting: a quoted value is not closed before the end of the file.");
  if ((state as State) !== "skip") endField();
  const row = endRow();
  if (row) yield row;
}

/** Streams NDJSON: one JSON object per line; blank lines are skipped. */
export async function* ndjsonRows(
  source: AsyncIterable<Uint8Array | string>,
  maxChars = DEFAULT_MAX_ROW_CHARS,
  maxDepth = 32,
): AsyncGenerator<ReadRow> {
  let line = 0;
  let buffer = "";
  let tooLong = false;
  const parse = (text: string, at: number): ReadRow | undefined => {
    if (text.trim() === "") return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { line: at, error: "Invalid JSON." };
    }
    if (!value || typeof value !== "object" || Array.isArray(value))
      return { line: at, error: "Each line must be a JSON object." };
    const shape = shapeProblem(value, maxDepth);
    if (shape) return { line: at, error: shape };
    return { line: at, object: value as Record<string, unknown> };
  };
  for await (const text of textOf(source)) {
    let from = 0;
    for (;;) {
      const nl = text.indexOf("\n", from);
      const piece = text.slice(from, nl === -1 ? undefined : nl);
      if (!tooLong) {
        buffer += piece;
        if (buffer.length > maxChars) {
          tooLong = true;
          buffer = "";
        }
      }
      if (nl === -1) break;
      line++;
      const row = tooLong
        ? { line, error: `The row is longer than ${maxChars} characters.` }
        : parse(buffer, line);
      if (row) yield row;
      buffer = "";
      tooLong = false;
      from = nl + 1;
    }
  }
  if (tooLong || buffer !== "") {
    line++;
    const row = tooLong
      ? { line, error: `The row is longer than ${maxChars} characters.` }
      : parse(buffer, line);
    if (row) yield row;
  }
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** What JSON bodies are refused for (see the API's JSON parser): prototype keys, deep nesting. */
function shapeProblem(value: unknown, maxDepth: number): string | undefined {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop() as { v: unknown; d: number };
    if (v === null || typeof v !== "object") continue;
    if (d >= maxDepth) return `The row is nested deeper than ${maxDepth} levels.`;
    for (const [key, child] of Object.entries(v)) {
      if (!Array.isArray(v) && FORBIDDEN_KEYS.has(key)) return `The key "${key}" is not allowed.`;
      stack.push({ v: child, d: d + 1 });
    }
  }
  return undefined;
}
