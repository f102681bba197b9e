import { useEffect, useMemo, useState } from "preact/hooks";
import { type ApiError, describeError, toApiError } from "../api/client";
import { reloadCollections, useCollections } from "../api/collections-store";
import { pb } from "../api/pb";
import {
  type Collection,
  type CollectionType,
  RULE_KEYS,
  type RuleKey,
  SEARCH_LANGUAGES,
} from "../api/types";
import { href, navigate } from "../router";
import { ConfirmDialog } from "../ui/dialog";
import { describedBy, FormField } from "../ui/form-field";
import { Tabs } from "../ui/tabs";
import { toast } from "../ui/toasts";
import { ApiPreview } from "./api-preview";
import { AuthOptions } from "./auth/auth-options";
import { EmailTemplates } from "./auth/email-templates";
import { FieldsEditor } from "./fields-editor";
import { IndexesEditor } from "./indexes-editor";
import { ruleVocabulary } from "./rule-completion";
import { RuleInput } from "./rule-input";

type Tab = "fields" | "rules" | "indexes" | "options" | "emails" | "api";
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

/** Auth options by the tab that edits them (to open the tab the API's message is on). */
const OPTION_KEYS = [
  "passwordAuth",
  "oauth2",
  "otp",
  "mfa",
  "authToken",
  "verificationToken",
  "passwordResetToken",
  "emailChangeToken",
  "fileToken",
];
const TEMPLATE_KEYS = [
  "verificationTemplate",
  "resetPasswordTemplate",
  "confirmEmailChangeTemplate",
  "authAlert",
];

/** Whether the API's issues include one on the Emails tab (the OTP mail's template sits under `otp`). */
const templateError = (data: Record<string, unknown>) =>
  TEMPLATE_KEYS.some((k) => data[k]) ||
  Boolean((data.otp as { emailTemplate?: unknown } | undefined)?.emailTemplate);

/** Whether the API's issues include one on the Auth options tab. */
const optionError = (data: Record<string, unknown>) =>
  OPTION_KEYS.some((k) =>
    k === "otp"
      ? Object.keys((data.otp as object | undefined) ?? {}).some((x) => x !== "emailTemplate")
      : data[k],
  );

/** Fresh each time: an auth scaffold's index names are new with every call (unique per database). */
const scaffolds = () => pb.collections.getScaffolds() as Promise<Record<CollectionType, Draft>>;

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
        ? await pb.collections.create<Collection>(toBody(draft, true))
        : await pb.collections.update<Collection>(draft.id, toBody(draft, false));
      await reloadCollections();
      toast(isNew ? `Collection ${saved.name} created.` : `Collection ${saved.name} saved.`);
      setDraft(structuredClone(saved));
      navigate(`/collections/${encodeURIComponent(saved.name)}`);
    } catch (err) {
      const apiError = toApiError(err);
      setError(apiError);
      const data = apiError.data;
      if (data.fields) setTab("fields");
      else if ([...RULE_KEYS, "authRule", "manageRule"].some((k) => data[k])) setTab("rules");
      else if (data.indexes) setTab("indexes");
      else if (data.viewQuery) setTab("fields");
      else if (optionError(data)) setTab("options");
      else if (templateError(data)) setTab("emails");
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      await pb.collections.delete(draft.id);
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
  if (draft.type === "auth") {
    tabs.push({ key: "options", label: "Auth options", invalid: optionError(data) });
    tabs.push({ key: "emails", label: "Emails", invalid: templateError(data) });
  }
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
              <div class="stack">
                <FieldsEditor
                  fields={draft.fields}
                  collections={collections}
                  error={error}
                  onChange={(fields) => set({ fields })}
                />
                {draft.fields.some((f) => f["searchable"] === true) && (
                  <FormField
                    id="search-language"
                    label="Search language"
                    error={error?.fieldMessage("searchLanguage")}
                    hint="Words of searchable fields are matched in this language: english also matches other forms of a word (bake, baking); simple matches words as written."
                  >
                    <select
                      id="search-language"
                      value={draft.searchLanguage ?? "simple"}
                      onChange={(e) => set({ searchLanguage: e.currentTarget.value })}
                    >
                      {SEARCH_LANGUAGES.map((l) => (
                        <option key={l} value={l}>
                          {l}
                        </option>
                      ))}
                    </select>
                  </FormField>
                )}
              </div>
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
            <AuthOptions
              draft={draft}
              set={set}
              error={error}
              vocabulary={vocabulary}
              body={() => toBody(draft, isNew)}
            />
          )}
          {tab === "emails" && draft.type === "auth" && (
            <EmailTemplates draft={draft} set={set} error={error} saved={!isNew} />
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
