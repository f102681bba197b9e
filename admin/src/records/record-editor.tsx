import { useState } from "preact/hooks";
import { type ApiError, toApiError } from "../api/client";
import { pb } from "../api/pb";
import type { Collection, Field, RecordModel } from "../api/types";
import type { BodyPart } from "../fields/field-type";
import { editableFields, fieldTypeOf, labelField, recordLabel } from "../fields/registry";
import { ConfirmDialog, Dialog } from "../ui/dialog";
import { toast } from "../ui/toasts";
import { AuthActions } from "./auth-actions";

interface RecordEditorProps {
  collection: Collection;
  /** null: a new record. */
  record: RecordModel | null;
  onClose: () => void;
  onSaved: () => void;
}

/** The form's value of a field: its type's own form value, else the record's value ("" for a new record). */
function formValue(field: Field, record: RecordModel | null): unknown {
  const def = fieldTypeOf(field);
  if (def.formValue) return def.formValue(field, record);
  return record ? record[field.name] : "";
}

function bodyPart(field: Field, value: unknown): BodyPart {
  const def = fieldTypeOf(field);
  return def.toBody ? def.toBody(field, value) : { json: { [field.name]: value } };
}

/** Whether the person must fill the field: not an id (generated), not a value an empty input keeps. */
function mustFill(field: Field, isNew: boolean): boolean {
  if (!field.required) return false;
  if (field.system && field.name === "id") return false;
  return isNew || !fieldTypeOf(field).keepsWhenBlank;
}

function label(field: Field, isNew: boolean) {
  return (
    <>
      {field.name}
      {mustFill(field, isNew) && (
        <>
          <span class="required-mark" aria-hidden="true">
            {" *"}
          </span>
          <span class="sr-only"> (required)</span>
        </>
      )}
      <span class="field-type-label">{field.type}</span>
    </>
  );
}

/**
 * Creates or edits one record in a side drawer. Each field's type turns its form value into the
 * body (JSON parsed, uploads as multipart parts; a local problem shows next to the field);
 * everything else is checked by the API, whose messages land next to their fields.
 */
export function RecordEditor({ collection, record, onClose, onSaved }: RecordEditorProps) {
  const fields = editableFields(collection);
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, formValue(f, record)])),
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const records = pb.collection(collection.name);
  const isAuth = collection.type === "auth";

  /** The JSON keys and uploads of the form, or null when a field has a local problem. */
  const payload = (): { json: Record<string, unknown>; files: [string, File][] } | null => {
    const json: Record<string, unknown> = {};
    const files: [string, File][] = [];
    const problems: Record<string, string> = {};
    for (const f of fields) {
      const v = values[f.name];
      // An edit sends only what changed: the audit log then names the fields that really changed.
      if (record && JSON.stringify(v) === JSON.stringify(formValue(f, record))) continue;
      if (f.name === "id" && (record || v === "")) continue;
      const part = bodyPart(f, v);
      if (part.error) problems[f.name] = part.error;
      Object.assign(json, part.json);
      files.push(...(part.files ?? []));
    }
    setLocalErrors(problems);
    return Object.keys(problems).length ? null : { json, files };
  };

  const save = async (event: Event) => {
    event.preventDefault();
    const data = payload();
    if (!data) return;
    setBusy(true);
    setError(null);
    try {
      let body: Record<string, unknown> | FormData = data.json;
      if (data.files.length > 0) {
        const form = new FormData();
        for (const [part, file] of data.files) form.append(part, file);
        form.append("@jsonPayload", JSON.stringify(data.json));
        body = form;
      }
      if (record) await records.update(record.id, body);
      else await records.create(body);
      toast(record ? "Record saved." : "Record created.");
      onSaved();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!record) return;
    setBusy(true);
    try {
      await records.delete(record.id);
      toast("Record deleted.");
      onSaved();
    } catch (err) {
      setConfirmDelete(false);
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) => localErrors[name] ?? error?.fieldMessage(name);
  const errorKeys = fields.flatMap((f) => fieldTypeOf(f).errorKeys?.(f) ?? [f.name]);
  const unplaced = error && !errorKeys.some((key) => error.fieldMessage(key));
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
        {fields.map((f) => {
          const { Input } = fieldTypeOf(f);
          return (
            <div key={f.name}>
              <Input
                id={`field-${f.name}`}
                label={label(f, record === null)}
                collection={collection}
                record={record}
                field={f}
                value={values[f.name]}
                onChange={(v) => setValues((prev) => ({ ...prev, [f.name]: v }))}
                errorOf={fieldError}
                labelFieldOf={labelField}
                recordLabelOf={recordLabel}
              />
            </div>
          );
        })}
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
