import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KeyPair } from "./certificate-source.js";

/**
 * ACME state in the data folder (`<dir>/tls`): the account key (one per server, reused for every
 * order) and, per set of domains, the certificate chain and its key. Files are private (0600) and
 * replaced by rename, so a crash mid-write never leaves half a certificate.
 */
export class AcmeStore {
  constructor(private readonly dir: string) {}

  accountKey(): string | undefined {
    return this.read("account.key");
  }

  saveAccountKey(pem: string): void {
    this.write("account.key", pem);
  }

  certificate(name: string): KeyPair | undefined {
    const cert = this.read(`${name}.crt`);
    const key = this.read(`${name}.key`);
    return cert && key ? { cert, key } : undefined;
  }

  saveCertificate(name: string, pair: KeyPair): void {
    this.write(`${name}.key`, pair.key);
    this.write(`${name}.crt`, pair.cert);
  }

  private read(file: string): string | undefined {
    try {
      return readFileSync(join(this.dir, file), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  private write(file: string, content: string): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.${file}.${process.pid}.tmp`);
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, join(this.dir, file));
  }
}
