import type { EmailTemplate } from "../../api/types";

/** What the preview puts in for each placeholder: clearly sample values, never a real token. */
export interface PreviewValues {
  appName: string;
  appURL: string;
}

const PLACEHOLDER = /\{(APP_NAME|APP_URL|TOKEN|OTP|RECORD:[A-Za-z0-9_]+)\}/g;
const SAMPLE_RECORD: Record<string, string> = {
  id: "RECORD_ID",
  email: "jane@example.com",
  name: "Jane Doe",
  username: "jane",
};

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

/**
 * A template with its placeholders filled by sample values, the way the server fills them for a
 * real mail (values HTML-escaped in the body, plain in the subject), so the preview looks like
 * what an account receives.
 */
export function renderPreview(template: EmailTemplate, values: PreviewValues): EmailTemplate {
  const fill = (text: string, asHtml: boolean) =>
    text.replace(PLACEHOLDER, (_, key: string) => {
      const value =
        key === "APP_NAME"
          ? values.appName
          : key === "APP_URL"
            ? values.appURL
            : key === "TOKEN"
              ? "SAMPLE_TOKEN"
              : key === "OTP"
                ? "123456"
                : (SAMPLE_RECORD[key.slice("RECORD:".length)] ?? `sample ${key.slice("RECORD:".length)}`);
      return asHtml ? escapeHtml(value) : value;
    });
  return { subject: fill(template.subject, false), body: fill(template.body, true) };
}
