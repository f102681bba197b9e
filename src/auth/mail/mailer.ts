import type { Transporter } from "nodemailer";
import type { Settings } from "../../settings/settings-model.js";
import type { SettingsService } from "../../settings/settings-service.js";

export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  /** Plain-text alternative; derived from the HTML when omitted. */
  text?: string;
}

/** An address, with an optional display name (`{ address: "ann@x.io", name: "Ann" }`). */
export interface MailAddress {
  address: string;
  name?: string;
}

/**
 * A message as hooks write it (PocketBase's `mailer.Message`): `from` defaults to Settings → sender
 * name/address; attachments map file names to their content.
 */
export interface MailerMessage {
  from?: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  subject: string;
  html?: string;
  /** Plain-text alternative; derived from the HTML when omitted. */
  text?: string;
  headers?: Record<string, string>;
  attachments?: Record<string, string | Uint8Array>;
}

/**
 * Sends mail through the SMTP server configured in settings. The transport is rebuilt when the
 * SMTP settings change, so an update through /api/settings applies to the next message.
 */
export class Mailer {
  private transport: { key: string; value: Transporter } | undefined;

  constructor(private readonly settings: SettingsService) {}

  async send(message: MailMessage): Promise<void> {
    await this.sendMessage({
      to: [{ address: message.to }],
      subject: message.subject,
      html: message.html,
      ...(message.text !== undefined ? { text: message.text } : {}),
    });
  }

  /** Any message (hooks' `newMailClient().send`): several recipients, cc/bcc, headers, attachments. */
  async sendMessage(message: MailerMessage): Promise<void> {
    checkMessage(message);
    const settings = await this.settings.get();
    if (!settings.smtp.enabled) throw new Error("SMTP is not configured (settings.smtp.enabled is false)");
    const html = message.html ?? "";
    await (await this.transportFor(settings)).sendMail({
      from: message.from ?? { name: settings.meta.senderName, address: settings.meta.senderAddress },
      to: message.to,
      ...(message.cc?.length ? { cc: message.cc } : {}),
      ...(message.bcc?.length ? { bcc: message.bcc } : {}),
      subject: message.subject,
      ...(html ? { html } : {}),
      text: message.text ?? htmlToText(html),
      ...(message.headers ? { headers: message.headers } : {}),
      ...(message.attachments
        ? {
            attachments: Object.entries(message.attachments).map(([filename, content]) => ({
              filename,
              content: typeof content === "string" ? content : Buffer.from(content),
            })),
          }
        : {}),
    });
  }

  /** nodemailer is loaded with the first message: most servers send mail rarely or never. */
  private async transportFor(settings: Settings): Promise<Transporter> {
    const nodemailer = (await import("nodemailer")).default;
    const smtp = settings.smtp;
    const key = JSON.stringify(smtp);
    if (this.transport?.key !== key) {
      this.transport?.value.close();
      this.transport = {
        key,
        value: nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.tls,
          ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password } } : {}),
          ...(smtp.authMethod ? { authMethod: smtp.authMethod } : {}),
          ...(smtp.localName ? { name: smtp.localName } : {}),
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        }),
      };
    }
    return this.transport.value;
  }

  close(): void {
    this.transport?.value.close();
    this.transport = undefined;
  }
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/p>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** A message hooks built by hand: refused with a clear error before any connection is made. */
function checkMessage(message: MailerMessage): void {
  const addresses = (list: MailAddress[] | undefined, what: string, required: boolean) => {
    if (list === undefined && !required) return;
    if (!Array.isArray(list) || (required && list.length === 0))
      throw new Error(`mail message: "${what}" needs a list of { address } (at least one)`);
    for (const a of list)
      if (typeof a?.address !== "string" || !a.address.includes("@") || /[\r\n]/.test(a.address))
        throw new Error(`mail message: "${what}" holds an invalid address ${JSON.stringify(a?.address)}`);
  };
  addresses(message.to, "to", true);
  addresses(message.cc, "cc", false);
  addresses(message.bcc, "bcc", false);
  if (message.from !== undefined) addresses([message.from], "from", true);
  if (typeof message.subject !== "string" || /[\r\n]/.test(message.subject))
    throw new Error("mail message: subject must be one line of text");
}
