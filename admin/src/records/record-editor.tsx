import { useState } from "preact/hooks";
import { ApiError, api } from "../api/client";
import type { Collection, Field, RecordModel } from "../api/types";
import { isMultiple } from "../api/types";
import { ConfirmDialog, Dialog } from "../ui/dialog";
import { toast } from "../ui/toasts";
import { AuthActions } from "./auth-actions";
import { editableFields } from "./display";
import { FieldInput, type FileChanges } from "./field-input";

interface RecordEditorProps {
  collection: Collection;
  /** null: a new record. */
  record: RecordModel | null;
  onClose: () => void;
  onSaved: () => void;
}

const NO_FILE_CHANGES: FileChanges = { added: [], removed: [] };

function initialValue(field: Field, record: RecordModel | null): unknown {
  const value = record?.[field.name];
  if (field.type === "json")
    return value === undefined || value === null ? "" : JSON.stringify(value, null, 2);
  if (field.type === "password") return "";
  if (record) return value;
  if (field.type === "bool") return false;
  if (isMultiple(field)) return [];
  if (field.type === "number") return null;
  return "";
}

/**
 * Creates or edits one record in a side drawer. JSON fields are parsed here (a parse error shows
 * next to the field); everything else is checked by the API, whose messages land next to their fields.
 */
export function RecordEditor({ collection, record, onClose, onSaved }: RecordEditorProps) {
  const fields = editableFields(collection);
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, initialValue(f, record)])),
  );
  const [passwordConfirm, setPasswordConfirm] = useState("");
  const [files, setFiles] = useState<Record<string, FileChanges>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const base = `/api/collections/${encodeURIComponent(collection.name)}/records`;
  const isAuth = collection.type === "auth";

  const payload = (): Record<string, unknown> | null => {
    const out: Record<string, unknown> = {};
    const problems: Record<string, string> = {};
    for (const f of fields) {
      const v = values[f.name];
      if (f.type === "file") continue;
      // An edit sends only what changed: the audit log then names the fields that really changed.
      if (record && JSON.stringify(v) === JSON.stringify(initialValue(f, record))) continue;
      if (f.name === "id" && (record || v === "")) continue;
      if (f.type === "password") {
        if (v) {
          out[f.name] = v;
          out[`${f.name}Confirm`] = passwordConfirm;
        }
        continue;
      }
      if (f.type === "json") {
        const textValue = String(v ?? "").trim();
        if (textValue === "") out[f.name] = null;
        else
          try {
            out[f.name] = JSON.parse(textValue);
          } catch {
            problems[f.name] = "This is not valid JSON.";
          }
        continue;
      }
      out[f.name] = v;
    }
    setLocalErrors(problems);
    return Object.keys(problems).length ? null : out;
  };

  const save = async (event: Event) => {
    event.preventDefault();
    const data = payload();
    if (!data) return;
    setBusy(true);
    setError(null);
    try {
      const fileFields = fields.filter((f) => f.type === "file");
      const hasFiles = fileFields.some(
        (f) => (files[f.name]?.added.length ?? 0) + (files[f.name]?.removed.length ?? 0) > 0,
      );
      let body: unknown = data;
      if (hasFiles) {
        const form = new FormData();
        for (const f of fileFields) {
          const change = files[f.name];
          if (!change) continue;
          if (change.removed.length) data[`${f.name}-`] = change.removed;
          for (const file of change.added) form.append(isMultiple(f) ? `${f.name}+` : f.name, file);
        }
        form.append("@jsonPayload", JSON.stringify(data));
        body = form;
      }
      if (record) await api("PATCH", `${base}/${encodeURIComponent(record.id)}`, { body });
      else await api("POST", base, { body });
      toast(record ? "Record saved." : "Record created.");
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!record) return;
    setBusy(true);
    try {
      await api("DELETE", `${base}/${encodeURIComponent(record.id)}`);
      toast("Record deleted.");
      onSaved();
    } catch (err) {
      setConfirmDelete(false);
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) => localErrors[name] ?? error?.fieldMessage(name);
  const unplaced =
    error && !fields.some((f) => error.fieldMessage(f.name)) && !error.fieldMessage("passwordConfirm");
  const formId = "record-form";
  return (
    <Dialog
      variant="drawer"
      title={record ? `Edit ${collection.name} record` : `New ${collection.name} record`}
      onClose={onClose}
      footer={
        <>
          {record && collection.type !== "view" && (
            <button type="button" class="btn btn-danger-ghost" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          )}
          <span class="spacer" />
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          {collection.type !== "view" && (
            <button type="submit" form={formId} class="btn btn-primary" disabled={busy}>
              {busy ? "Saving…" : record ? "Save changes" : "Create"}
            </button>
          )}
        </>
      }
    >
      <form id={formId} class="stack" onSubmit={save} noValidate>
        {unplaced && (
          <p class="form-error" role="alert">
            {error.message}
          </p>
        )}
        {fields.map((f) => (
          <div key={f.name}>
            <FieldInput
              collection={collection}
              record={record}
              field={f}
              value={values[f.name]}
              onChange={(v) => setValues((prev) => ({ ...prev, [f.name]: v }))}
              files={files[f.name] ?? NO_FILE_CHANGES}
              onFiles={(c) => setFiles((prev) => ({ ...prev, [f.name]: c }))}
              error={fieldError(f.name)}
            />
            {f.type === "password" && (values[f.name] || !record) ? (
              <div class="form-field">
                <label for={`field-${f.name}-confirm`}>Confirm {f.name}</label>
                <input
                  id={`field-${f.name}-confirm`}
                  type="password"
                  autoComplete="new-password"
                  value={passwordConfirm}
                  onInput={(e) => setPasswordConfirm(e.currentTarget.value)}
                  aria-invalid={fieldError(`${f.name}Confirm`) ? true : undefined}
                  aria-describedby={
                    fieldError(`${f.name}Confirm`) ? `field-${f.name}-confirm-error` : undefined
                  }
                />
                {fieldError(`${f.name}Confirm`) && (
                  <p class="field-error" id={`field-${f.name}-confirm-error`}>
                    {fieldError(`${f.name}Confirm`)}
                  </p>
                )}
              </div>
            ) : null}
          </div>
        ))}
      </form>
      {record && isAuth && <AuthActions collection={collection} record={record} onChanged={onSaved} />}
      {confirmDelete && (
        <ConfirmDialog
          title="Delete record"
          message={`Delete record ${record?.id}? This cannot be undone.`}
          confirmLabel="Delete"
          danger
          busy={busy}
          onConfirm={remove}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </Dialog>
  );
}
