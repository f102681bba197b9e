import { useState } from "preact/hooks";
import { describedBy, FormField } from "../ui/form-field";
import type { SectionProps } from "./settings-types";

// Preact's types tie each input type to its own attributes: text, url and email share them all.
const FIELDS = [
  { key: "appName", label: "Application name", type: "text" },
  { key: "appURL", label: "Application URL", type: "url", hint: "Used in links of emails." },
  { key: "senderName", label: "Sender name", type: "text" },
  { key: "senderAddress", label: "Sender address", type: "email" },
] as const;

export function ApplicationSettings({ settings, error, busy, onSave }: SectionProps) {
  const [meta, setMeta] = useState(settings.meta);
  return (
    <form
      class="stack narrow"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ meta });
      }}
    >
      {FIELDS.map((f) => {
        const id = `meta-${f.key}`;
        const message = error?.fieldMessage("meta", f.key);
        return (
          <FormField
            key={f.key}
            id={id}
            label={f.label}
            error={message}
            hint={"hint" in f ? f.hint : undefined}
          >
            <input
              id={id}
              type={f.type as "text"}
              value={meta[f.key]}
              onInput={(e) => setMeta({ ...meta, [f.key]: e.currentTarget.value })}
              {...describedBy(id, message, "hint" in f)}
            />
          </FormField>
        );
      })}
      <div>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Save application settings
        </button>
      </div>
    </form>
  );
}
