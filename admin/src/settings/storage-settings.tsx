import { useEffect, useState } from "preact/hooks";
import { storageState } from "../api/backroom";
import { pb } from "../api/pb";
import { CheckboxField, describedBy, FormField } from "../ui/form-field";
import { toast } from "../ui/toasts";
import { useApiSubmit } from "../ui/use-api-submit";
import type { S3Settings, SectionProps } from "./settings-types";

/** Where uploaded files go now, and who decided (GET /api/settings/storage). */
interface StorageState {
  source: "environment" | "settings";
  kind: "local" | "database" | "s3";
  bucket?: string;
}

type TextKey = "bucket" | "region" | "endpoint" | "accessKey" | "secret";

/** File storage: the local folder, or an S3-compatible bucket, with a connection test. */
export function StorageSettings({ settings, error, busy, onSave }: SectionProps) {
  const [s3, setS3] = useState<S3Settings>(settings.s3);
  const [state, setState] = useState<StorageState | null>(null);
  useEffect(() => {
    storageState<StorageState>().then(setState, () => setState(null));
  }, [settings]);
  const test = useApiSubmit(async () => {
    await pb.settings.testS3("storage");
    toast("S3 answered: a test file was written, read back and deleted.");
  });
  const msg = (key: string) => error?.fieldMessage("s3", key);

  const text = (key: TextKey, label: string, hint?: string) => {
    const id = `s3-${key}`;
    const secret = key === "secret";
    return (
      <FormField
        id={id}
        label={label}
        error={msg(key)}
        hint={secret ? "Stored, never shown. Leave empty to keep the current one." : hint}
      >
        {secret ? (
          <input
            id={id}
            type="password"
            value={s3[key]}
            autoComplete="new-password"
            onInput={(e) => setS3({ ...s3, [key]: e.currentTarget.value })}
            {...describedBy(id, msg(key), true)}
          />
        ) : (
          <input
            id={id}
            type="text"
            value={s3[key]}
            autoComplete="off"
            onInput={(e) => setS3({ ...s3, [key]: e.currentTarget.value })}
            {...describedBy(id, msg(key), hint !== undefined)}
          />
        )}
      </FormField>
    );
  };

  const save = (event: Event) => {
    event.preventDefault();
    // An empty secret means "unchanged" (the API never sends it back).
    const { secret, ...rest } = s3;
    onSave({ s3: (secret ? s3 : rest) as S3Settings });
  };

  return (
    <div class="stack narrow">
      {state && (
        <p class="muted" role="status">
          {state.source === "environment"
            ? `Files go to the S3 bucket "${state.bucket}", set by the server's environment (flags or BACKROOM_S3_*); the settings below are not used.`
            : state.kind === "s3"
              ? `Files go to the S3 bucket "${state.bucket}".`
              : state.kind === "database"
                ? "Files are kept in the PostgreSQL database, shared by every node."
                : "Files go to the local storage folder."}
        </p>
      )}
      <form class="stack" noValidate onSubmit={save}>
        <CheckboxField
          id="s3-enabled"
          label="Store uploaded files in S3-compatible storage"
          checked={s3.enabled}
          onChange={(v) => setS3({ ...s3, enabled: v })}
        />
        <p class="muted small">
          Files already uploaded stay where they were stored: switching does not move them.
        </p>
        {text("bucket", "Bucket")}
        {text("region", "Region", "For example us-east-1; any value for most S3-compatible servers.")}
        {text("endpoint", "Endpoint", "https://… of the S3 service (AWS, MinIO, R2, …).")}
        {text("accessKey", "Access key")}
        {text("secret", "Secret")}
        <CheckboxField
          id="s3-force-path-style"
          label="Force path-style addressing (bucket in the path, as MinIO needs)"
          checked={s3.forcePathStyle}
          onChange={(v) => setS3({ ...s3, forcePathStyle: v })}
        />
        <div>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Save storage settings
          </button>
        </div>
      </form>
      <form class="card stack" noValidate onSubmit={test.submit}>
        <h2 class="h3">Test the connection</h2>
        <p class="muted small">Uses the saved settings: writes, reads and deletes a small file.</p>
        {test.error && (
          <p class="form-error" role="alert">
            {test.error.message}
          </p>
        )}
        <div>
          <button type="submit" class="btn" disabled={test.busy}>
            {test.busy ? "Testing…" : "Test S3 connection"}
          </button>
        </div>
      </form>
    </div>
  );
}
