import { X509Certificate } from "node:crypto";
import type { AcmeStore } from "./acme-store.js";
import type { CertificateSource, KeyPair } from "./certificate-source.js";
import { nextCheckIn, RENEWAL_CHECK_MS, renewAt } from "./renewal.js";

/** Gets a certificate for `domains`; publishes each HTTP-01 answer through `challenges` meanwhile. */
export type Issuer = (domains: string[], challenges: Map<string, string>) => Promise<KeyPair>;

export interface AcmeCertificatesOptions {
  domains: string[];
  store: AcmeStore;
  issue: Issuer;
  log: (level: "info" | "error", message: string, err?: unknown) => void;
  now?: () => Date;
}

/**
 * Certificates by ACME: the stored one at start if it is still valid, else a new order right
 * away; then a timer renews it once two thirds of its lifetime have passed (see renewal.ts),
 * retrying every RENEWAL_CHECK_MS after a failure while the old one keeps serving.
 * `challenges` holds the HTTP-01 answers the plain-HTTP port gives during an order.
 */
export class AcmeCertificates implements CertificateSource {
  readonly challenges = new Map<string, string>();
  private apply: ((pair: KeyPair) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private running: Promise<void> | undefined;
  private current: KeyPair | undefined;
  private readonly name: string;
  private readonly now: () => Date;

  constructor(private readonly options: AcmeCertificatesOptions) {
    this.name = options.domains[0] ?? "certificate";
    this.now = options.now ?? (() => new Date());
    const stored = options.store.certificate(this.name);
    if (stored && validity(stored).to > this.now()) this.current = stored;
  }

  initial(): KeyPair | undefined {
    return this.current;
  }

  /** Resolves at once; the first certificate (if none is stored) arrives in the background. */
  async start(apply: (pair: KeyPair) => void): Promise<void> {
    this.apply = apply;
    this.schedule(this.current ? this.delay(this.current) : 0);
  }

  /** Renews now if due (SIGHUP); waits for an order already under way. */
  reload(): Promise<void> {
    this.running ??= this.check().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), ms);
    this.timer.unref();
  }

  private delay(pair: KeyPair): number {
    const { from, to } = validity(pair);
    return nextCheckIn(from, to, this.now());
  }

  private async check(): Promise<void> {
    if (this.current && renewAt(validity(this.current).from, validity(this.current).to) > this.now()) {
      this.schedule(this.delay(this.current));
      return;
    }
    try {
      const pair = await this.options.issue(this.options.domains, this.challenges);
      validity(pair);
      this.options.store.saveCertificate(this.name, pair);
      this.current = pair;
      this.apply?.(pair);
      this.options.log("info", `obtained a TLS certificate for ${this.options.domains.join(", ")}`);
      this.schedule(this.delay(pair));
    } catch (err) {
      this.options.log(
        "error",
        `getting a TLS certificate for ${this.options.domains.join(", ")} failed; trying again later`,
        err,
      );
      this.schedule(RENEWAL_CHECK_MS);
    }
  }
}

/** The first certificate of the chain's validity period (throws on something that isn't one). */
function validity(pair: KeyPair): { from: Date; to: Date } {
  const cert = new X509Certificate(pair.cert);
  return { from: new Date(cert.validFrom), to: new Date(cert.validTo) };
}
