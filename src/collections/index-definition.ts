import { ApiError } from "../errors/api-error.js";

/**
 * A parsed PocketBase-style index: `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (col [COLLATE x] [ASC|DESC], …) [WHERE …]`.
 * We never execute the user's text: it is parsed into this structure and re-emitted, quoted, per dialect.
 */
export interface IndexDefinition {
  unique: boolean;
  name: string;
  table: string;
  columns: { name: string; collate?: string; order?: "ASC" | "DESC" }[];
  /** Partial-index condition as simple tokens (identifiers, literals, comparison, AND/OR, parentheses). */
  where: WhereToken[];
}

export type WhereToken =
  | { kind: "ident"; value: string }
  | { kind: "string"; value: string }
  | { kind: "number"; value: string }
  | { kind: "op"; value: string }
  | { kind: "word"; value: "AND" | "OR" | "IS" | "NOT" | "NULL" }
  | { kind: "paren"; value: "(" | ")" };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOKEN =
  /\s*(?:(`[^`]*`|"[^"]*"|\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_]*)|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|(!=|<>|>=|<=|=|>|<)|([(),]))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw invalid(`unexpected text near "${src.slice(pos, pos + 20)}"`);
    out.push(m[0].trim());
    pos = TOKEN.lastIndex;
  }
  return out;
}

function unquote(token: string): string {
  const first = token[0];
  if (first === "`" || first === '"' || first === "[") return token.slice(1, -1);
  return token;
}

function invalid(reason: string): ApiError {
  return new ApiError(400, `Invalid index definition: ${reason}.`);
}

function ident(token: string | undefined, what: string): string {
  if (token === undefined) throw invalid(`missing ${what}`);
  const name = unquote(token);
  if (!IDENT.test(name)) throw invalid(`invalid ${what} "${name}"`);
  return name;
}

export function parseIndex(src: string): IndexDefinition {
  if (src.length > 2000) throw invalid("too long");
  const t = tokenize(src);
  let i = 0;
  const word = (w: string) => {
    if (t[i]?.toUpperCase() !== w) return false;
    i++;
    return true;
  };
  const expect = (w: string) => {
    if (!word(w)) throw invalid(`expected ${w}`);
  };
  expect("CREATE");
  const unique = word("UNIQUE");
  expect("INDEX");
  if (word("IF")) {
    expect("NOT");
    expect("EXISTS");
  }
  const name = ident(t[i++], "index name");
  expect("ON");
  // An empty quoted table name (PocketBase's scaffolds have one) is the collection's own: the
  // table name is always replaced with the collection's name when it is saved.
  const tableToken = t[i++];
  const table = tableToken === "``" || tableToken === '""' ? "" : ident(tableToken, "table name");
  if (t[i++] !== "(") throw invalid("expected (");
  const columns: IndexDefinition["columns"] = [];
  for (;;) {
    const column: IndexDefinition["columns"][number] = { name: ident(t[i++], "column name") };
    if (word("COLLATE")) column.collate = ident(t[i++], "collation").toUpperCase();
    if (word("ASC")) column.order = "ASC";
    else if (word("DESC")) column.order = "DESC";
    columns.push(column);
    const sep = t[i++];
    if (sep === ")") break;
    if (sep !== ",") throw invalid("expected , or )");
  }
  const where: WhereToken[] = [];
  if (word("WHERE")) {
    for (; i < t.length; i++) {
      const token = whereToken(t[i] as string);
      // A name followed by "(" would be a function call: only columns and literals are allowed.
      if (token.kind === "paren" && token.value === "(" && where.at(-1)?.kind === "ident")
        throw invalid("functions are not allowed in WHERE");
      where.push(token);
    }
    if (where.length === 0) throw invalid("empty WHERE");
  }
  if (i < t.length) throw invalid(`unexpected "${t[i]}"`);
  if (columns.length > 32) throw invalid("too many columns");
  return { unique, name, table, columns, where };
}

function whereToken(tok: string): WhereToken {
  const upper = tok.toUpperCase();
  if (upper === "AND" || upper === "OR" || upper === "IS" || upper === "NOT" || upper === "NULL") {
    return { kind: "word", value: upper };
  }
  if (tok === "(" || tok === ")") return { kind: "paren", value: tok };
  if (/^(!=|<>|>=|<=|=|>|<)$/.test(tok)) return { kind: "op", value: tok === "<>" ? "!=" : tok };
  if (tok.startsWith("'")) return { kind: "string", value: tok.slice(1, -1).replaceAll("''", "'") };
  if (/^-?\d/.test(tok)) return { kind: "number", value: tok };
  return { kind: "ident", value: ident(tok, "column in WHERE") };
}

/** The canonical PocketBase-style text of an index (what the API stores and returns). */
export function formatIndex(def: IndexDefinition): string {
  const cols = def.columns
    .map((c) => `\`${c.name}\`${c.collate ? ` COLLATE ${c.collate}` : ""}${c.order ? ` ${c.order}` : ""}`)
    .join(", ");
  const where = def.where.length ? ` WHERE ${def.where.map(formatWhereToken).join(" ")}` : "";
  return `CREATE ${def.unique ? "UNIQUE " : ""}INDEX \`${def.name}\` ON \`${def.table}\` (${cols})${where}`;
}

function formatWhereToken(t: WhereToken): string {
  if (t.kind === "ident") return `\`${t.value}\``;
  if (t.kind === "string") return `'${t.value.replaceAll("'", "''")}'`;
  return t.value;
}
