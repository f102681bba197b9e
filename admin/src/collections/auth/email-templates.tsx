import { useEffect, useState } from "preact/hooks";
import { type ApiError, toApiError } from "../../api/client";
import { pb } from "../../api/pb";
import type { Collection, EmailTemplate } from "../../api/types";
import { CheckboxField, describedBy, FormField } from "../../ui/form-field";
import { toast } from "../../ui/toasts";
import type { AuthSectionProps } from "./auth-draft";
import { type PreviewValues, renderPreview } from "./render-preview";

/** The server's name for each mail (what /api/settings/test/email takes), and where its template is kept. */
type Kind = "verification" | "password-reset" | "email-change" | "otp" | "login-alert";

const KINDS: { kind: Kind; label: string; placeholders: string }[] = [
  { kind: "verification", label: "Verification", placeholders: "{APP_NAME} {APP_URL} {TOKEN} {RECORD:…}" },
  {
    kind: "password-reset",
    label: "Password reset",
    placeholders: "{APP_NAME} {APP_URL} {TOKEN} {RECORD:…}",
  },
  {
    kind: "email-change",
    label: "Confirm email change",
    placeholders: "{APP_NAME} {APP_URL} {TOKEN} {RECORD:…}",
  },
  { kind: "otp", label: "One-time password", placeholders: "{APP_NAME} {APP_URL} {OTP} {RECORD:…}" },
  { kind: "login-alert", label: "Login alert", placeholders: "{APP_NAME} {APP_URL} {RECORD:…}" },
];

const EMPTY: EmailTemplate = { subject: "", body: "" };

function templateOf(draft: AuthSectionProps["draft"], kind: Kind): EmailTemplate {
  switch (kind) {
    case "verification":
      return draft.verificationTemplate ?? EMPTY;
    case "password-reset":
      return draft.resetPasswordTemplate ?? EMPTY;
    case "email-change":
      return draft.confirmEmailChangeTemplate ?? EMPTY;
    case "otp":
      return draft.otp?.emailTemplate ?? EMPTY;
    case "login-alert":
      return draft.authAlert?.emailTemplate ?? EMPTY;
  }
}

function withTemplate(draft: AuthSectionProps["draft"], kind: Kind, t: EmailTemplate): Partial<Collection> {
  switch (kind) {
    case "verification":
      return { verificationTemplate: t };
    case "password-reset":
      return { resetPasswordTemplate: t };
    case "email-change":
      return { confirmEmailChangeTemplate: t };
    case "otp":
      return { otp: { enabled: false, duration: 180, length: 8, ...draft.otp, emailTemplate: t } };
    case "login-alert":
      return { authAlert: { enabled: true, ...draft.authAlert, emailTemplate: t } };
  }
}

/** The key under which the API reports a template's problems. */
const errorPath = (kind: Kind): string[] =>
  kind === "otp"
    ? ["otp", "emailTemplate"]
    : kind === "login-alert"
      ? ["authAlert", "emailTemplate"]
      : [
          {
            verification: "verificationTemplate",
            "password-reset": "resetPasswordTemplate",
            "email-change": "confirmEmailChangeTemplate",
          }[kind],
        ];

/**
 * The mails an auth collection sends: subject and HTML body per kind, a live preview with sample
 * values (in a sandboxed frame: no scripts, no navigation), and a test send of the saved template.
 */
export function EmailTemplates({ draft, set, error, saved }: AuthSectionProps & { saved: boolean }) {
  // The template the API found a problem in, if any (the tab opens on it after a failed save).
  const withError = KINDS.find(
    (k) =>
      error?.fieldMessage(...errorPath(k.kind), "subject") ??
      error?.fieldMessage(...errorPath(k.kind), "body"),
  );
  const [kind, setKind] = useState<Kind>(withError?.kind ?? "verification");
  useEffect(() => {
    if (withError) setKind(withError.kind);
  }, [error]);
  const [values, setValues] = useState<PreviewValues>({ appName: "Acme", appURL: "https://example.com" });
  useEffect(() => {
    pb.settings.getAll().then(
      (s) => {
        const meta = (s as { meta?: { appName?: string; appURL?: string } }).meta;
        setValues({ appName: meta?.appName || "Acme", appURL: meta?.appURL || "https://example.com" });
      },
      () => undefined,
    );
  }, []);
  const template = templateOf(draft, kind);
  const preview = renderPreview(template, values);
  const path = errorPath(kind);
  const subjectError = error?.fieldMessage(...path, "subject");
  const bodyError = error?.fieldMessage(...path, "body");
  const change = (patch: Partial<EmailTemplate>) => set(withTemplate(draft, kind, { ...template, ...patch }));
  const info = KINDS.find((k) => k.kind === kind) as (typeof KINDS)[number];

  return (
    <div class="stack email-templates">
      <FormField id="template-kind" label="Template">
        <select id="template-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </FormField>
      {kind === "login-alert" && (
        <CheckboxField
          id="auth-alert-enabled"
          label="Email an account when it signs in from a new device"
          checked={draft.authAlert?.enabled ?? true}
          onChange={(enabled) => set({ authAlert: { emailTemplate: template, ...draft.authAlert, enabled } })}
        />
      )}
      <div class="template-columns">
        <div class="stack">
          <FormField id="template-subject" label="Subject" error={subjectError}>
            <input
              id="template-subject"
              value={template.subject}
              onInput={(e) => change({ subject: e.currentTarget.value })}
              {...describedBy("template-subject", subjectError)}
            />
          </FormField>
          <FormField
            id="template-body"
            label="Body (HTML)"
            error={bodyError}
            hint={`Placeholders: ${info.placeholders}`}
          >
            <textarea
              id="template-body"
              class="mono"
              rows={12}
              value={template.body}
              onInput={(e) => change({ body: e.currentTarget.value })}
              {...describedBy("template-body", bodyError, true)}
            />
          </FormField>
        </div>
        <section class="template-preview" aria-labelledby="template-preview-heading">
          <h2 class="h3" id="template-preview-heading">
            Preview
          </h2>
          <p class="preview-subject">
            <span class="muted">Subject: </span>
            <span id="template-preview-subject">{preview.subject}</span>
          </p>
          {/* sandbox="": the body is the superuser's own HTML, shown without scripts or navigation. */}
          <iframe
            title={`Preview of the ${info.label.toLowerCase()} email`}
            class="preview-frame"
            sandbox=""
            srcdoc={preview.body}
          />
          <p class="hint">Sample values: {values.appName}, SAMPLE_TOKEN, OTP 123456, jane@example.com.</p>
        </section>
      </div>
      <TestSend collection={draft.name} kind={kind} saved={saved} />
    </div>
  );
}

/** Sends the saved template of a kind to an address (POST /api/settings/test/email through the SDK). */
function TestSend({ collection, kind, saved }: { collection: string; kind: Kind; saved: boolean }) {
  const [to, setTo] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [sending, setSending] = useState(false);
  const send = async (event: Event) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      await pb.settings.testEmail(collection, to, kind);
      toast(`Test email sent to ${to}.`);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSending(false);
    }
  };
  const message = error ? (error.fieldMessage("email") ?? error.message) : undefined;
  return (
    <section class="card stack" aria-labelledby="template-test-heading">
      <h2 class="h3" id="template-test-heading">
        Send a test email
      </h2>
      <p class="muted small">
        {saved
          ? "Sends the saved template through the mail settings, with sample values."
          : "Save the collection first: the test sends the saved template."}
      </p>
      <div class="row align-end">
        <FormField id="template-test-to" label="Recipient" error={message} class="grow">
          <input
            id="template-test-to"
            type="email"
            value={to}
            onInput={(e) => setTo(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") send(e);
            }}
            {...describedBy("template-test-to", message)}
          />
        </FormField>
        <button type="button" class="btn" disabled={sending || !saved} onClick={send}>
          {sending ? "Sending…" : "Send test email"}
        </button>
      </div>
    </section>
  );
}
