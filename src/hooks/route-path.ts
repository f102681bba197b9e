/** A custom route's path pattern: `/api/hello/{name}`, with an optional last `{rest...}`. */
export interface RoutePath {
  source: string;
  /** The path values when `pathname` matches, else null. */
  match(pathname: string): Record<string, string> | null;
}

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}$/;

export function compileRoutePath(source: string): RoutePath {
  if (!source.startsWith("/")) throw new TypeError(`routerAdd: the path must start with "/": ${source}`);
  const segments = source.split("/").slice(1);
  const names: string[] = [];
  let pattern = "";
  segments.forEach((segment, i) => {
    const param = PARAM.exec(segment);
    if (!param) {
      if (/[{}]/.test(segment)) throw new TypeError(`routerAdd: bad path segment "${segment}" in ${source}`);
      pattern += `/${escapeRegExp(segment)}`;
      return;
    }
    const [, name, rest] = param as unknown as [string, string, string | undefined];
    if (names.includes(name)) throw new TypeError(`routerAdd: "${name}" appears twice in ${source}`);
    names.push(name);
    if (rest) {
      if (i !== segments.length - 1) throw new TypeError(`routerAdd: {${name}...} must be the last segment`);
      pattern += "/(.*)";
    } else {
      pattern += "/([^/]+)";
    }
  });
  const regex = new RegExp(`^${pattern}/?$`);
  return {
    source,
    match(pathname) {
      const m = regex.exec(pathname);
      if (!m) return null;
      const values: Record<string, string> = {};
      for (const [i, name] of names.entries()) {
        try {
          values[name] = decodeURIComponent(m[i + 1] ?? "");
        } catch {
          return null;
        }
      }
      return values;
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
