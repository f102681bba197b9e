import { useCallback, useEffect, useState } from "preact/hooks";
import { type ApiKey, apiKeys } from "../api/backroom";
import { type ApiError, describeError, toApiError } from "../api/client";
import { useCollections } from "../api/collections-store";
import { DataTable } from "../ui/data-table";
import { ConfirmDialog, Dialog } from "../ui/dialog";
import { InputField } from "../ui/form-field";
import { toastAction } from "../ui/toasts";
import { describeScope, type ScopeChoice, ScopeGrid, toScopes } from "./scope-grid";

/** API keys (/api/keys) for servers and scripts: create (the key is shown once), list, revoke. */
export function ApiKeysScreen() {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState("");
  const [adding, setAdding] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const load = useCallback(() => {
    apiKeys.list().then(setKeys, (err) => setError(describeError(err)));
  }, []);
  useEffect(load, [load]);

  const revoke = (key: ApiKey) => {
    setRevoking(null);
    return toastAction(() => apiKeys.revoke(key.id), `Key ${key.name} revoked.`, load);
  };

  return (
    <section class="page">
      <header class="page-header">
        <h1>API keys</h1>
        <button type="button" class="btn btn-primary" onClick={() => setAdding(true)}>
          + New API key
        </button>
      </header>
      <p class="muted small">
        For servers and scripts: send <code>Authorization: Bearer bk_…</code>. A key does only what its scopes
        allow, and never reaches superusers.
      </p>
      {error && <p class="form-error">{error}</p>}
      {keys && keys.length === 0 && <p class="muted">No API keys yet.</p>}
      {keys && keys.length > 0 && (
        <DataTable
          caption="API keys"
          columns={[
            "Name",
            "Key starts with",
            "Scopes",
            "Created (UTC)",
            "Last used (UTC)",
            { hidden: "Actions" },
          ]}
        >
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td class="mono">{k.prefix}…</td>
              <td>{k.scopes.map(describeScope).join("; ")}</td>
              <td class="nowrap">{k.created.slice(0, 19)}</td>
              <td class="nowrap">{k.lastUsed ? k.lastUsed.slice(0, 19) : "never"}</td>
              <td>
                <button type="button" class="btn btn-sm btn-danger-ghost" onClick={() => setRevoking(k)}>
                  Revoke<span class="sr-only"> {k.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {adding && (
        <NewApiKey
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            load();
          }}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke API key"
          message={`Revoke ${revoking.name}? Requests with it are refused from now on.`}
          confirmLabel="Revoke"
          danger
          onConfirm={() => revoke(revoking)}
          onCancel={() => setRevoking(null)}
        />
      )}
    </section>
  );
}

function NewApiKey({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const collections = useCollections() ?? [];
  const [name, setName] = useState("");
  const [choice, setChoice] = useState<ScopeChoice>({ operations: {}, metrics: false });
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      setCreated((await apiKeys.create({ name, scopes: toScopes(choice) })).key);
    } catch (err) {
      setError(toApiError(err));
    }
  };
  if (created)
    return (
      <Dialog key="created" title="API key created" onClose={onSaved}>
        <p>Copy the key now: it is shown only this once (the server keeps only its hash).</p>
        <label for="api-key-value">Key</label>
        <input id="api-key-value" class="mono" readOnly value={created} data-autofocus />
      </Dialog>
    );
  const scopesError = error?.fieldMessage("scopes") ?? (error?.data.scopes ? "Check the scopes." : undefined);
  return (
    <Dialog
      key="form"
      title="New API key"
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="api-key-form" class="btn btn-primary">
            Create
          </button>
        </>
      }
    >
      <form id="api-key-form" class="stack" noValidate onSubmit={save}>
        {error && !error.fieldMessage("name") && !scopesError && <p class="form-error">{error.message}</p>}
        <InputField
          id="api-key-name"
          label="Name"
          hint="Who or what uses it, e.g. invoicing server"
          error={error?.fieldMessage("name")}
          value={name}
          onValue={setName}
        />
        <ScopeGrid collections={collections} choice={choice} onChange={setChoice} error={scopesError} />
      </form>
    </Dialog>
  );
}
