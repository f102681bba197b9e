import type { SecureContextOptions } from "node:tls";

/** A certificate and its private key, PEM. */
export interface KeyPair {
  cert: string;
  key: string;
}

/**
 * Where the HTTPS server's certificate comes from. `initial()` is what the server starts with
 * (undefined while ACME has none yet: handshakes fail until one arrives); `start(apply)` begins
 * watching for newer ones and hands each to `apply`, which swaps it into the running server.
 */
export interface CertificateSource {
  initial(): SecureContextOptions | undefined;
  start(apply: (pair: KeyPair) => void): Promise<void>;
  /** Looks again now (SIGHUP). */
  reload(): Promise<void>;
  close(): void;
}
