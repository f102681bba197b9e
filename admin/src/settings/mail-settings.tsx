import { useState } from "preact/hooks";
import { type ApiError, toApiError } from "../api/client";
import { pb } from "../api/pb";
import { CheckboxField, describedBy, FormField } from "../ui/form-field";
import { toast } from "../ui/toasts";
import type { SectionProps } from "./settings-types";

/** SMTP settings, and a test email sent through them. */
export function MailSettings({ settings, error, busy, onSave }: SectionProps) {
  const [smtp, setSmtp] = useState(settings.smtp);
  const [testTo, setTestTo] = useState("");
  const [testError, setTestError] = useState<ApiError | null>(null);
  const [sending, setSending] = useState(false);
  const msg = (key: string) => error?.fieldMessage("smtp", key);
  const text = (key: "host" | "username" | "password" | "localName", label: string) => {
    const id = `smtp-${key}`;
    const secret = key === "password";
    const onInput = (e: Event) => setSmtp({ ...smtp, [key]: (e.currentTarget as HTMLInputElement).value });
    return (
      <FormField
        id={id}
        label={label}
        error={msg(key)}
        hint={secret ? "Stored, never shown. Leave empty to keep the current one." : undefined}
      >
        {secret ? (
          <input
            id={id}
            type="password"
            value={smtp[key]}
            autoComplete="new-password"
            onInput={onInput}
            {...describedBy(id, msg(key), true)}
          />
        ) : (
          <input
            id={id}
            type="text"
            value={smtp[key]}
            autoComplete="off"
            onInput={onInput}
            {...describedBy(id, msg(key))}
          />
        )}
      </FormField>
    );
  };

  const sendTest = async (event: Event) => {
    event.preventDefault();
    setSending(true);
    setTestError(null);
    try {
      await pb.settings.testEmail("_superusers", testTo, "verification");
      toast(`Test email sent to ${testTo}.`);
    } catch (err) {
      setTestError(toApiError(err));
    } finally {
      setSending(false);
    }
  };

  const save = (event: Event) => {
    event.preventDefault();
    // An empty password means "unchanged" (the API never sends it back).
    const { password, ...rest } = smtp;
    onSave({ smtp: (password ? smtp : rest) as typeof smtp });
  };

  const testMessage = testError ? (testError.fieldMessage("email") ?? testError.message) : undefined;
  return (
    <div class="stack narrow">
      <form class="stack" noValidate onSubmit={save}>
        <CheckboxField
          id="smtp-enabled"
          label="Send mail through this SMTP server"
          checked={smtp.enabled}
          onChange={(v) => setSmtp({ ...smtp, enabled: v })}
        />
        <div class="row">
          <div class="grow">{text("host", "Host")}</div>
          <FormField id="smtp-port" label="Port" error={msg("port")}>
            <input
              id="smtp-port"
              type="number"
              value={smtp.port}
              onInput={(e) => setSmtp({ ...smtp, port: Number(e.currentTarget.value) })}
              {...describedBy("smtp-port", msg("port"))}
            />
          </FormField>
        </div>
        {text("username", "Username")}
        {text("password", "Password")}
        <CheckboxField
          id="smtp-tls"
          label="Implicit TLS (port 465)"
          checked={smtp.tls}
          onChange={(v) => setSmtp({ ...smtp, tls: v })}
        />
        <FormField id="smtp-auth" label="Auth method" error={msg("authMethod")}>
          <select
            id="smtp-auth"
            value={smtp.authMethod}
            onChange={(e) => setSmtp({ ...smtp, authMethod: e.currentTarget.value })}
          >
            <option value="">Automatic</option>
            <option value="PLAIN">PLAIN</option>
            <option value="LOGIN">LOGIN</option>
          </select>
        </FormField>
        {text("localName", "Local name (EHLO)")}
        <div>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Save mail settings
          </button>
        </div>
      </form>
      <form class="card stack" noValidate onSubmit={sendTest}>
        <h2 class="h3">Send a test email</h2>
        <p class="muted small">Uses the saved settings.</p>
        <FormField id="test-email-to" label="Recipient" error={testMessage}>
          <input
            id="test-email-to"
            type="email"
            value={testTo}
            onInput={(e) => setTestTo(e.currentTarget.value)}
            {...describedBy("test-email-to", testMessage)}
          />
        </FormField>
        <div>
          <button type="submit" class="btn" disabled={sending}>
            {sending ? "Sending…" : "Send test email"}
          </button>
        </div>
      </form>
    </div>
  );
}
