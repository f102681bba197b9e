import { useEffect, useState } from "preact/hooks";

/** The app's routes live after `#` (the server answers index.html for /_/ only). */
export function currentPath(): string {
  return window.location.hash.replace(/^#/, "") || "/";
}

export function navigate(path: string): void {
  if (currentPath() !== path) window.location.hash = path;
}

export function useRoute(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return path;
}

/** `match("/collections/:name", "/collections/posts")` → `{name: "posts"}`, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(":")) {
      if (!g) return null;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}

export const href = (path: string) => `#${path}`;
