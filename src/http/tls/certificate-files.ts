import { type FSWatcher, readFileSync, watch } from "node:fs";
import { dirname } from "node:path";
import { createSecureContext } from "node:tls";
import type { CertificateSource, KeyPair } from "./certificate-source.js";

/** Quiet time after the last file event before reading: renewals write two files, often via renames. */
const SETTLE_MS = 150;

/**
 * A certificate and key in two PEM files (certbot's `fullchain.pem`/`privkey.pem`, a company CA's).
 * Read at start (a missing or mismatched pair stops the start); read again when either file or its
 * folder changes (certbot swaps symlinks, editors rename over) and on `reload()` (SIGHUP). A pair
 * that doesn't load, a certificate written before its key say, keeps the one in use and is logged:
 * the next change tries again.
 */
export class CertificateFiles implements CertificateSource {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private apply: ((pair: KeyPair) => void) | undefined;
  private current: KeyPair;

  constructor(
    private readonly certFile: string,
    private readonly keyFile: string,
    private readonly log: (level: "info" | "error", message: string, err?: unknown) => void,
  ) {
    this.current = this.read();
  }

  initial(): KeyPair {
    return this.current;
  }

  async start(apply: (pair: KeyPair) => void): Promise<void> {
    this.apply = apply;
    for (const dir of new Set([dirname(this.certFile), dirname(this.keyFile)])) {
      const watcher = watch(dir, () => this.soon());
      watcher.on("error", (err) => this.log("error", `watching ${dir} for new certificates failed`, err));
      this.watchers.push(watcher);
    }
  }

  async reload(): Promise<void> {
    let pair: KeyPair;
    try {
      pair = this.read();
    } catch (err) {
      this.log("error", "the TLS certificate files don't load; still serving the previous certificate", err);
      return;
    }
    if (pair.cert === this.current.cert && pair.key === this.current.key) return;
    this.current = pair;
    this.apply?.(pair);
    this.log("info", "TLS certificate reloaded");
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  private soon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), SETTLE_MS);
    this.timer.unref();
  }

  /** Both files, checked to be a certificate and its key (createSecureContext throws otherwise). */
  private read(): KeyPair {
    const pair = { cert: readFileSync(this.certFile, "utf8"), key: readFileSync(this.keyFile, "utf8") };
    createSecureContext(pair);
    return pair;
  }
}
