import type { ApiKey } from "../api/backroom";
import type { Collection } from "../api/types";

export const OPERATIONS = ["list", "view", "create", "update", "delete"] as const;

/** Chosen operations per collection name ("*": every collection but _superusers), and the metrics scope. */
export interface ScopeChoice {
  operations: Record<string, string[]>;
  metrics: boolean;
}

/** The API's scopes for a choice: one entry per collection with operations, then "metrics". */
export function toScopes(choice: ScopeChoice): ApiKey["scopes"] {
  const scopes: ApiKey["scopes"] = Object.entries(choice.operations)
    .filter(([, ops]) => ops.length > 0)
    .map(([collection, operations]) => ({ collection, operations }));
  if (choice.metrics) scopes.push("metrics");
  return scopes;
}

/** A scope as short text for the keys list. */
export function describeScope(scope: ApiKey["scopes"][number]): string {
  if (typeof scope === "string") return scope;
  return `${scope.collection === "*" ? "all collections" : scope.collection}: ${scope.operations.join(", ")}`;
}

/**
 * What a new key may do: a grid of collections (and "all") by operations, and metrics. Superusers
 * are never reachable by a key, so `_superusers` is not offered.
 */
export function ScopeGrid({
  collections,
  choice,
  onChange,
  error,
}: {
  collections: Collection[];
  choice: ScopeChoice;
  onChange: (choice: ScopeChoice) => void;
  error: string | undefined;
}) {
  const rows = ["*", ...collections.filter((c) => c.name !== "_superusers").map((c) => c.name)];
  const toggle = (collection: string, op: string, on: boolean) => {
    const current = choice.operations[collection] ?? [];
    const next = on ? [...current, op] : current.filter((o) => o !== op);
    onChange({ ...choice, operations: { ...choice.operations, [collection]: next } });
  };
  return (
    <fieldset class="stack-tight" aria-describedby={error ? "key-scopes-error" : undefined}>
      <legend>Scopes</legend>
      <table class="records-table compact">
        <caption class="sr-only">Operations the key may use, per collection</caption>
        <thead>
          <tr>
            <th scope="col">Collection</th>
            {OPERATIONS.map((op) => (
              <th key={op} scope="col">
                {op}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((name) => (
            <tr key={name}>
              <th scope="row" class="mono">
                {name === "*" ? "* (all)" : name}
              </th>
              {OPERATIONS.map((op) => (
                <td key={op}>
                  <input
                    type="checkbox"
                    aria-label={`${op} ${name === "*" ? "all collections" : name}`}
                    checked={(choice.operations[name] ?? []).includes(op)}
                    onChange={(e) => toggle(name, op, e.currentTarget.checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div class="checkbox-field">
        <input
          id="key-metrics"
          type="checkbox"
          checked={choice.metrics}
          onChange={(e) => onChange({ ...choice, metrics: e.currentTarget.checked })}
        />
        <label for="key-metrics">metrics (read /api/metrics)</label>
      </div>
      {error && (
        <p class="field-error" id="key-scopes-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
