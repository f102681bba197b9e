import type { AddressInfo } from "node:net";
import type PocketBase from "pocketbase";
import { SMTPServer } from "smtp-server";

/** One message as the test SMTP server received it, decoded enough to read links and tokens. */
export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), lower-case. */
  to: string[];
  from: string;
  subject: string;
  html: string;
  text: string;
  raw: string;
}

interface Waiter {
  address: string;
  resolve: (mail: ReceivedMail) => void;
}

/**
 * A real SMTP server on 127.0.0.1:<free port> for tests: accepts every message (no TLS, any or no
 * credentials), keeps them all, and hands each one out once per recipient through `next()`.
 */
export class TestSmtpServer {
  /** Every message received, in order. */
  readonly messages: ReceivedMail[] = [];
  /** Per recipient: messages not yet taken by `next()`. */
  private readonly unread = new Map<string, ReceivedMail[]>();
  private readonly waiters: Waiter[] = [];
  /** While set, the server refuses messages (to test how senders handle SMTP failures). */
  rejectAll = false;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<TestSmtpServer> {
    let self: TestSmtpServer | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth: (_auth, _session, callback) => callback(null, { user: "test" }),
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          if (self?.rejectAll) {
            callback(new Error("Mailbox unavailable (test server told to refuse)"));
            return;
          }
          const to = session.envelope.rcptTo.map((a) => a.address.toLowerCase());
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
          self?.receive({ ...parseMessage(Buffer.concat(chunks).toString("utf8")), to, from });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const port = (server.server.address() as AddressInfo).port;
    self = new TestSmtpServer(server, port);
    return self;
  }

  /** The next unread message to `address`, waiting up to `timeoutMs` for it to arrive. */
  next(address: string, timeoutMs = 5000): Promise<ReceivedMail> {
    const key = address.toLowerCase();
    const queued = this.unread.get(key)?.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        address: key,
        resolve: (mail) => {
          clearTimeout(timer);
          resolve(mail);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no mail to ${address} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Every message received so far for `address` (read or not). */
  sentTo(address: string): ReceivedMail[] {
    const key = address.toLowerCase();
    return this.messages.filter((m) => m.to.includes(key));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(mail: ReceivedMail): void {
    this.messages.push(mail);
    for (const address of mail.to) {
      const i = this.waiters.findIndex((w) => w.address === address);
      const waiter = i >= 0 ? this.waiters.splice(i, 1)[0] : undefined;
      if (waiter) waiter.resolve(mail);
      else this.unread.set(address, [...(this.unread.get(address) ?? []), mail]);
    }
  }
}

/** The first JWT-looking value after `marker` in an email's HTML (e.g. `confirm-verification/`). */
export function tokenAfter(mail: ReceivedMail, marker: string): string {
  const at = mail.html.indexOf(marker);
  const match = at >= 0 ? /^[\w-]+\.[\w-]+\.[\w-]+/.exec(mail.html.slice(at + marker.length)) : null;
  if (!match) throw new Error(`no token after "${marker}" in: ${mail.html.slice(0, 500)}`);
  return match[0];
}

// --- A small MIME reader: enough for what nodemailer writes (multipart/alternative, QP or base64).

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitPart(raw: string): Part {
  const normalized = raw.replace(/\r\n/g, "\n");
  const end = normalized.indexOf("\n\n");
  const head = end >= 0 ? normalized.slice(0, end) : normalized;
  const body = end >= 0 ? normalized.slice(end + 2) : "";
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get("content-transfer-encoding") ?? "").toLowerCase();
  if (encoding === "base64") return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = part.body
      .replace(/=\n/g, "")
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => `%${hex}`)
      .replace(/%(?![0-9A-Fa-f]{2})/g, "%25");
    try {
      return decodeURIComponent(bytes);
    } catch {
      return part.body;
    }
  }
  return part.body;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=` / `=?UTF-8?B?…?=`) in a header value. */
function decodeHeader(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g,
    (_, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeURIComponent(text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, "%$1")),
  );
}

function leafParts(part: Part): Part[] {
  const type = part.headers.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!type.toLowerCase().startsWith("multipart/") || !boundary) return [part];
  const sections = part.body.split(`--${boundary}`).slice(1);
  return sections
    .filter((s) => !s.startsWith("--"))
    .flatMap((s) => leafParts(splitPart(s.replace(/^\n/, ""))));
}

function parseMessage(raw: string): Omit<ReceivedMail, "to" | "from"> {
  const top = splitPart(raw);
  let html = "";
  let text = "";
  for (const part of leafParts(top)) {
    const type = (part.headers.get("content-type") ?? "text/plain").toLowerCase();
    if (type.startsWith("text/html")) html += decodeBody(part);
    else if (type.startsWith("text/plain")) text += decodeBody(part);
  }
  return { subject: decodeHeader(top.headers.get("subject") ?? ""), html, text, raw };
}

/** Points a test server's mail at `smtp` (through the settings API, as an admin would). */
export async function useTestSmtp(
  su: PocketBase,
  smtp: TestSmtpServer,
  meta: { appName: string; appURL: string } = { appName: "Acme", appURL: "http://app.test" },
): Promise<void> {
  await su.settings.update({
    smtp: { enabled: true, host: "127.0.0.1", port: smtp.port, tls: false },
    meta: { ...meta, senderName: "Acme Support", senderAddress: "support@app.test" },
  });
}
