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

/**
 * Sends mail through the SMTP server configured in settings. The transport is rebuilt when the
 * SMTP settings change, so an update through /api/settings applies to the next message.
 */
export class Mailer {
  private transport: { key: string; value: Transporter } | undefined;

  constructor(private readonly settings: SettingsService) {}

  async send(message: MailMessage): Promise<void> {
    const settings = await this.settings.get();
    if (!settings.smtp.enabled) throw new Error("SMTP is not configured (settings.smtp.enabled is false)");
    await (await this.transportFor(settings)).sendMail({
      from: { name: settings.meta.senderName, address: settings.meta.senderAddress },
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text ?? htmlToText(message.html),
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
