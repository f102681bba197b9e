import { readFileSync } from "node:fs";
import type { HttpsConfig } from "../../config/https-config.js";
import { AcmeCertificates } from "./acme-certificates.js";
import { acmeIssuer } from "./acme-issuer.js";
import { AcmeStore } from "./acme-store.js";
import { CertificateFiles } from "./certificate-files.js";
import type { CertificateSource } from "./certificate-source.js";

export type TlsLog = (level: "info" | "error", message: string, err?: unknown) => void;

/** The certificate source `--https` configured, and the ACME challenge answers (none for files). */
export function openCertificates(
  https: HttpsConfig,
  log: TlsLog,
): { source: CertificateSource; challenge: (token: string) => string | undefined } {
  const c = https.certificate;
  if (c.kind === "files") {
    return { source: new CertificateFiles(c.certFile, c.keyFile, log), challenge: () => undefined };
  }
  const store = new AcmeStore(c.storeDir);
  const source = new AcmeCertificates({
    domains: c.domains,
    store,
    log,
    issue: acmeIssuer({
      directoryUrl: c.directoryUrl,
      store,
      ...(c.email ? { email: c.email } : {}),
      ...(c.caFile ? { ca: readFileSync(c.caFile, "utf8") } : {}),
    }),
  });
  return { source, challenge: (token) => source.challenges.get(token) };
}
