import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, api, describeError } from "../api/client";
import { reloadCollections, useCollections } from "../api/collections-store";
import { type Collection, type CollectionType, RULE_KEYS, type RuleKey } from "../api/types";
import { href, navigate } from "../router";
import { ConfirmDialog } from "../ui/dialog";
import { CheckboxField, describedBy, FormField } from "../ui/form-field";
import { Tabs } from "../ui/tabs";
import { toast } from "../ui/toasts";
import { ApiPreview } from "./api-preview";
import { FieldsEditor } from "./fields-editor";
import { IndexesEditor } from "./indexes-editor";
import { ruleVocabulary } from "./rule-completion";
import { RuleInput } from "./rule-input";

type Tab = "fields" | "rules" | "indexes" | "options" | "api";
type Draft = Omit<Collection, "created" | "updated"> & { created?: string; updated?: string };

const RULE_LABELS: Record<RuleKey, string> = {
  listRule: "List/Search rule",
  viewRule: "View rule",
  createRule: "Create rule",
  updateRule: "Update rule",
  deleteRule: "Delete rule",
  authRule: "Auth rule",
  manageRule: "Manage rule",
};

let scaffoldCache: Promise<Record<CollectionType, Draft>> | null = null;
const scaffolds = () => {
  scaffoldCache ??= api<Record<CollectionType, Draft>>("GET", "/api/collections/meta/scaffolds").catch(
    (err) => {
      scaffoldCache = null;
      throw err;
    },
  );
  return scaffoldCache;
};

/** The body the API takes for a collection (no timestamps; no id for a new one). */
function toBody(draft: Draft, isNew: boolean): Record<string, unknown> {
  const { created: _c, updated: _u, ...rest } = draft;
  if (isNew) {
    const { id: _id, ...withoutId } = rest;
    return withoutId;
  }
  return rest;
}

/** Create or change a collection: name, fields, rules, indexes, type options and an API preview. */
export function CollectionEditorScreen({ name }: { name: string | null }) {
  const collections = useCollections();
  const existing = name ? collections?.find((c) => c.name === name) : undefined;
  const isNew = name === null;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [tab, setTab] = useState<Tab>("fields");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (draft) return;
    if (isNew)
      scaffolds().then(
        (s) => setDraft(structuredClone(s.base)),
        (err) => toast(describeError(err), "error"),
      );
    else if (existing) setDraft(structuredClone(existing));
  }, [existing, isNew, draft]);

  const vocabulary = useMemo(
    () => (draft ? ruleVocabulary(draft, collections ?? []) : []),
    [draft, collections],
  );

  if (!collections || (!isNew && !existing && !draft)) {
    return collections && !existing ? (
      <section class="page">
        <h1>Collection not found</h1>
      </section>
    ) : (
      <p class="muted pad">Loading…</p>
    );
  }
  if (!draft) return <p class="muted pad">Loading…</p>;

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const changeType = async (type: CollectionType) => {
    const s = await scaffolds();
    const own = draft.fields.filter((f) => !f.system && !["created", "updated"].includes(f.name));
    setDraft({
      ...structuredClone(s[type]),
      name: draft.name,
      fields: type === "view" ? [] : [...s[type].fields, ...own],
    });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = isNew
        ? await api<Collection>("POST", "/api/collections", { body: toBody(draft, true) })
        : await api<Collection>("PATCH", `/api/collections/${encodeURIComponent(draft.id)}`, {
            body: toBody(draft, false),
          });
      await reloadCollections();
      toast(isNew ? `Collection ${saved.name} created.` : `Collection ${saved.name} saved.`);
      setDraft(structuredClone(saved));
      navigate(`/collections/${encodeURIComponent(saved.name)}`);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError(0, String(err));
      setError(apiError);
      const data = apiError.data;
      if (data.fields) setTab("fields");
      else if ([...RULE_KEYS, "authRule", "manageRule"].some((k) => data[k])) setTab("rules");
      else if (data.indexes) setTab("indexes");
      else if (data.viewQuery || data.authToken || data.passwordAuth) setTab("options");
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      await api("DELETE", `/api/collections/${encodeURIComponent(draft.id)}`);
      await reloadCollections();
      toast(`Collection ${draft.name} deleted.`);
      navigate("/");
    } catch (err) {
      setConfirmDelete(false);
      toast(describeError(err), "error");
    } finally {
      setBusy(false);
    }
  };

  const ruleKeys: RuleKey[] = [...(draft.type === "view" ? RULE_KEYS.slice(0, 2) : RULE_KEYS)];
  if (draft.type === "auth") ruleKeys.push("authRule", "manageRule");
  const nameError = error?.fieldMessage("name");
  const data = error?.data ?? {};
  const tabs: { key: Tab; label: string; invalid?: boolean }[] = [
    {
      key: "fields",
      label: draft.type === "view" ? "Query" : "Fields",
      invalid: Boolean(data.fields || data.viewQuery),
    },
    { key: "rules", label: "API rules", invalid: ruleKeys.some((k) => data[k]) },
  ];
  if (draft.type !== "view") tabs.push({ key: "indexes", label: "Indexes", invalid: Boolean(data.indexes) });
  if (draft.type === "auth")
    tabs.push({
      key: "options",
      label: "Auth options",
      invalid: Boolean(data.authToken || data.passwordAuth),
    });
  if (!isNew) tabs.push({ key: "api", label: "API preview" });
  // The summary; the details sit next to their inputs (a tab with errors is marked).
  const unplaced = error?.message;

  return (
    <section class="page">
      <header class="page-header">
        <div>
          <p class="breadcrumbs">
            {isNew ? (
              "Collections"
            ) : (
              <a href={href(`/collections/${encodeURIComponent(draft.name)}`)}>{existing?.name}</a>
            )}
          </p>
          <h1>{isNew ? "New collection" : `Edit ${existing?.name}`}</h1>
        </div>
        <div class="actions">
          {!isNew && !draft.system && (
            <button type="button" class="btn btn-danger-ghost" onClick={() => setConfirmDelete(true)}>
              Delete collection
            </button>
          )}
          <button type="submit" form="collection-form" class="btn btn-primary" disabled={busy}>
            {busy ? "Saving…" : isNew ? "Create collection" : "Save changes"}
          </button>
        </div>
      </header>
      <form id="collection-form" onSubmit={save} noValidate class="stack">
        {unplaced && (
          <p class="form-error" role="alert">
            {unplaced}
          </p>
        )}
        <div class="row">
          <FormField id="collection-name" label="Name" error={nameError} class="grow">
            <input
              id="collection-name"
              class="mono"
              value={draft.name}
              readOnly={draft.system}
              placeholder="e.g. posts"
              onInput={(e) => set({ name: e.currentTarget.value })}
              {...describedBy("collection-name", nameError)}
            />
          </FormField>
          <FormField id="collection-type" label="Type">
            <select
              id="collection-type"
              value={draft.type}
              disabled={!isNew}
              onChange={(e) => changeType(e.currentTarget.value as CollectionType)}
            >
              <option value="base">Base</option>
              <option value="auth">Auth (accounts)</option>
              <option value="view">View (read-only query)</option>
            </select>
          </FormField>
        </div>
        <Tabs label="Collection settings" tabs={tabs} active={tab} onChange={setTab}>
          {tab === "fields" &&
            (draft.type === "view" ? (
              <FormField id="view-query" label="SELECT query" error={error?.fieldMessage("viewQuery")}>
                <textarea
                  id="view-query"
                  class="mono"
                  rows={8}
                  value={draft.viewQuery ?? ""}
                  onInput={(e) => set({ viewQuery: e.currentTarget.value })}
                  {...describedBy("view-query", error?.fieldMessage("viewQuery"))}
                />
              </FormField>
            ) : (
              <FieldsEditor
                fields={draft.fields}
                collections={collections}
                error={error}
                onChange={(fields) => set({ fields })}
              />
            ))}
          {tab === "rules" && (
            <div class="stack">
              <p class="muted small">
                Rules are filters in the same language as the records filter. Type a field name or{" "}
                <code>@request.</code> for suggestions.
              </p>
              {ruleKeys.map((key) => (
                <RuleInput
                  key={key}
                  id={`rule-${key}`}
                  label={RULE_LABELS[key]}
                  value={(draft[key] as string | null | undefined) ?? null}
                  onChange={(v) => set({ [key]: v } as Partial<Draft>)}
                  vocabulary={vocabulary}
                  draft={() => toBody(draft, isNew)}
                  saveError={error?.fieldMessage(key)}
                />
              ))}
            </div>
          )}
          {tab === "indexes" && (
            <IndexesEditor indexes={draft.indexes} error={error} onChange={(indexes) => set({ indexes })} />
          )}
          {tab === "options" && draft.type === "auth" && (
            <div class="stack">
              <FormField
                id="auth-token-duration"
                label="Auth token duration (seconds)"
                error={error?.fieldMessage("authToken", "duration")}
                hint="How long a sign-in lasts before a refresh is needed."
              >
                <input
                  id="auth-token-duration"
                  type="number"
                  min={1}
                  value={draft.authToken?.duration ?? 604800}
                  onInput={(e) =>
                    set({
                      authToken: { ...(draft.authToken ?? {}), duration: Number(e.currentTarget.value) },
                    })
                  }
                  {...describedBy("auth-token-duration", error?.fieldMessage("authToken", "duration"), true)}
                />
              </FormField>
              <CheckboxField
                id="auth-password-enabled"
                label="Allow sign-in with password"
                checked={draft.passwordAuth?.enabled ?? true}
                onChange={(v) =>
                  set({
                    passwordAuth: { identityFields: ["email"], ...(draft.passwordAuth ?? {}), enabled: v },
                  })
                }
              />
            </div>
          )}
          {tab === "api" && existing && <ApiPreview collection={existing} />}
        </Tabs>
      </form>
      {confirmDelete && (
        <ConfirmDialog
          title="Delete collection"
          message={`Delete the collection ${draft.name} and all its records? This cannot be undone.`}
          confirmLabel="Delete collection"
          danger
          busy={busy}
          onConfirm={remove}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </section>
  );
}
