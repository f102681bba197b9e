/** An email template as stored in an auth collection's options (PocketBase's shape). */
export interface EmailTemplate {
  subject: string;
  body: string;
}

const PLACEHOLDER = /\{(APP_NAME|APP_URL|TOKEN|OTP|RECORD:[A-Za-z0-9_]+)\}/g;

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

/**
 * Fills `{APP_NAME}`, `{APP_URL}`, `{TOKEN}`, `{OTP}` and `{RECORD:field}` placeholders. Values
 * are HTML-escaped in the body (a user's name must not inject markup); the subject is plain text.
 */
export function renderTemplate(
  template: EmailTemplate,
  values: { appName: string; appURL: string; token?: string; otp?: string; record?: Record<string, unknown> },
): EmailTemplate {
  const fill = (text: string, asHtml: boolean) =>
    text.replace(PLACEHOLDER, (_, key: string) => {
      let value = "";
      if (key === "APP_NAME") value = values.appName;
      else if (key === "APP_URL") value = values.appURL;
      else if (key === "TOKEN") value = values.token ?? "";
      else if (key === "OTP") value = values.otp ?? "";
      else {
        const field = key.slice("RECORD:".length);
        const v = values.record?.[field];
        value = v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
      }
      return asHtml ? escapeHtml(value) : value;
    });
  return { subject: fill(template.subject, false), body: fill(template.body, true) };
}
