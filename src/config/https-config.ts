import { isIP } from "node:net";
import { resolve } from "node:path";

/**
 * Where HTTPS certificates come from: two PEM files the operator renews (certbot, a company CA),
 * or ACME (Let's Encrypt or any RFC 8555 server), obtained and renewed by the server itself.
 */
export type CertificateConfig =
  | { kind: "files"; certFile: string; keyFile: string }
  | {
      kind: "acme";
      domains: string[];
      /** Contact address given to the ACME server (expiry notices); optional. */
      email?: string;
      /** The ACME server's directory URL (default: Let's Encrypt's production one). */
      directoryUrl: string;
      /** Where the account key and certificates are kept: `<data folder>/tls`. */
      storeDir: string;
      /** A PEM CA to trust for the ACME server's own HTTPS (a private ACME server's). */
      caFile?: string;
    };

export interface HttpsConfig {
  host: string;
  port: number;
  certificate: CertificateConfig;
  /** The `--http` port answers with a redirect to HTTPS (and ACME challenges), nothing else. */
  redirect: boolean;
}

export interface HttpsInput {
  https?: string;
  tlsCert?: string;
  tlsKey?: string;
  httpsRedirect?: boolean;
  acmeEmail?: string;
  acmeDirectory?: string;
  acmeCa?: string;
}

export const LETS_ENCRYPT_DIRECTORY = "https://acme-v02.api.letsencrypt.org/directory";

export class HttpsConfigError extends Error {}

/** A public host name ACME can issue for: dotted, letters, not an IP address nor localhost. */
function isDomainName(host: string): boolean {
  return (
    isIP(host) === 0 &&
    host !== "localhost" &&
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i.test(host)
  );
}

/**
 * `--https host:port` with `--tls-cert`/`--tls-key` serves those files; `--https example.com`
 * (or `example.com:8443`, several names comma-separated) without files gets its certificate by
 * ACME and listens on all interfaces (port 443 unless given). Flags win over environment.
 */
export function parseHttpsConfig(
  input: HttpsInput,
  env: NodeJS.ProcessEnv,
  dataDir: string,
): HttpsConfig | undefined {
  const value = (input.https ?? env.BACKROOM_HTTPS)?.trim();
  if (!value) return undefined;
  const certFile = input.tlsCert ?? env.BACKROOM_TLS_CERT;
  const keyFile = input.tlsKey ?? env.BACKROOM_TLS_KEY;
  const redirect = input.httpsRedirect ?? env.BACKROOM_HTTPS_REDIRECT === "true";
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5})$/.exec(value) ?? /^([^:]+)(?::(\d{1,5}))?$/.exec(value);
  const host = m?.[1] ?? "";
  const port = m?.[2] === undefined ? 443 : Number(m[2]);
  if (!m || port > 65535)
    throw new HttpsConfigError(`invalid --https address "${value}" (expected host:port)`);
  if (certFile || keyFile) {
    if (!certFile || !keyFile)
      throw new HttpsConfigError(
        "--tls-cert and --tls-key go together (the certificate and its private key)",
      );
    return {
      host: host || "127.0.0.1",
      port,
      certificate: { kind: "files", certFile: resolve(certFile), keyFile: resolve(keyFile) },
      redirect,
    };
  }
  const domains = host.split(",").map((d) => d.trim().toLowerCase());
  if (host === "" || !domains.every(isDomainName))
    throw new HttpsConfigError(
      `--https ${value} needs --tls-cert and --tls-key, or a public domain name for automatic certificates (--https example.com)`,
    );
  const email = (input.acmeEmail ?? env.BACKROOM_ACME_EMAIL) || undefined;
  const directoryUrl = (input.acmeDirectory ?? env.BACKROOM_ACME_DIRECTORY) || LETS_ENCRYPT_DIRECTORY;
  const caFile = (input.acmeCa ?? env.BACKROOM_ACME_CA) || undefined;
  if (!/^https?:\/\/\S+$/.test(directoryUrl))
    throw new HttpsConfigError(`invalid ACME directory "${directoryUrl}" (expected https://…)`);
  return {
    host: "0.0.0.0",
    port,
    certificate: {
      kind: "acme",
      domains,
      ...(email ? { email } : {}),
      directoryUrl,
      storeDir: resolve(dataDir, "tls"),
      ...(caFile ? { caFile: resolve(caFile) } : {}),
    },
    // The HTTP port is there for the ACME challenges; everything else on it goes to HTTPS.
    redirect: true,
  };
}
