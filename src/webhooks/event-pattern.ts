/** What a webhook may subscribe to: `*`, `orders.*`, `*.create`, `orders.create`. */
const PATTERN = /^(?:\*|(?:\*|[A-Za-z0-9_]{1,255})\.(?:\*|create|update|delete))$/;

export function isEventPattern(value: string): boolean {
  return PATTERN.test(value);
}

/** Whether `type` (`collection.action`) matches one of the patterns. Collection names compare case-insensitively, as collections do. */
export function matchesEvent(patterns: readonly string[], type: string): boolean {
  const dot = type.lastIndexOf(".");
  const collection = type.slice(0, dot).toLowerCase();
  const action = type.slice(dot + 1);
  return patterns.some((pattern) => {
    if (pattern === "*") return true;
    const [c, a] = pattern.split(".") as [string, string];
    return (c === "*" || c.toLowerCase() === collection) && (a === "*" || a === action);
  });
}
