import { badRequest } from "../errors/api-error.js";

/** `fields=id,title,expand.author.name,body:excerpt(200,true)` as a tree; `*` keeps all at a level. */
interface Projection {
  all: boolean;
  keys: Map<string, Projection>;
  excerpt?: { max: number; ellipsis: boolean };
}

const EXCERPT = /^([A-Za-z0-9_*]+):excerpt\((\d+)(?:,\s*(true|false))?\)$/;

export function parseFields(fields: string): Projection | undefined {
  if (fields.trim() === "") return undefined;
  const root: Projection = { all: false, keys: new Map() };
  // Commas inside `:excerpt(…)` belong to the modifier, not the list.
  for (const raw of fields
    .split(/,(?![^(]*\))/)
    .map((f) => f.trim())
    .filter(Boolean)) {
    const parts = raw.split(".");
    if (parts.length > 8) throw badRequest(`Invalid fields path "${raw}".`);
    let node = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const excerpt = last ? EXCERPT.exec(part) : null;
      const name = excerpt ? (excerpt[1] as string) : part;
      if (!/^[A-Za-z0-9_*]+$/.test(name)) throw badRequest(`Invalid fields path "${raw}".`);
      if (name === "*") {
        node.all = true;
        return;
      }
      let next = node.keys.get(name);
      if (!next) {
        next = { all: false, keys: new Map() };
        node.keys.set(name, next);
      }
      if (excerpt) next.excerpt = { max: Number(excerpt[2]), ellipsis: excerpt[3] === "true" };
      node = next;
    });
  }
  return root;
}

/** Keeps only the projected keys of a serialized record (recursing into `expand`). */
export function project(value: unknown, p: Projection | undefined): unknown {
  if (!p) return value;
  if (Array.isArray(value)) return value.map((v) => project(v, p));
  if (value === null || typeof value !== "object") {
    return p.excerpt && typeof value === "string" ? excerpt(value, p.excerpt.max, p.excerpt.ellipsis) : value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = p.keys.get(k);
    if (sub) out[k] = sub.keys.size === 0 && !sub.excerpt ? v : project(v, sub);
    else if (p.all) out[k] = v;
  }
  return out;
}

/** Plain text of (possibly HTML) content, cut at `max` characters. */
export function excerpt(html: string, max: number, ellipsis: boolean): string {
  const text = html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...text];
  if (chars.length <= max) return text;
  return chars.slice(0, max).join("").trimEnd() + (ellipsis ? "..." : "");
}
