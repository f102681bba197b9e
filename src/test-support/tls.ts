import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { connect } from "node:tls";
import PocketBase from "pocketbase";

export interface SelfSigned {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

/**
 * A self-signed certificate for 127.0.0.1/localhost with the given serial (hex), written as
 * `<name>.crt`/`<name>.key` in `dir` by the openssl CLI.
 */
export function selfSigned(dir: string, name: string, serialHex: string): SelfSigned {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-set_serial",
      `0x${serialHex}`,
    ],
    { stdio: "pipe" },
  );
  return { certFile, keyFile, cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}

/** A fresh TLS connection's view of the server: its certificate's serial and the ALPN protocol agreed. */
export function handshake(
  url: string,
  ca: string,
  alpn: string[] = ["http/1.1"],
): Promise<{ serial: string; protocol: string | false | null }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: hostname, port: Number(port), ca, ALPNProtocols: alpn, servername: "localhost" },
      () => {
        const serial = socket.getPeerCertificate().serialNumber;
        const protocol = socket.alpnProtocol;
        socket.end();
        resolve({ serial, protocol });
      },
    );
    socket.on("error", reject);
  });
}

/** fetch over node:https trusting `ca` (Node's own fetch can't take a CA without undici's Agent). */
export function fetchTrusting(
  ca: string,
): (url: Parameters<typeof fetch>[0], init?: RequestInit) => Promise<Response> {
  return async (url, init = {}) => {
    const body =
      init.body === undefined || init.body === null ? undefined : await new Response(init.body).arrayBuffer();
    const headers = new Headers(init.headers);
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        String(url),
        { method: init.method ?? "GET", headers: Object.fromEntries(headers), ca },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const out = new Headers();
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
            const status = res.statusCode ?? 500;
            resolve(new Response(status === 204 ? null : Buffer.concat(chunks), { status, headers: out }));
          });
        },
      );
      req.on("error", reject);
      req.end(body === undefined ? undefined : Buffer.from(body));
    });
  };
}

/** A PocketBase SDK client for an HTTPS server whose certificate `ca` is. */
export function sdkTrusting(url: string, ca: string): PocketBase {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  const fetch = fetchTrusting(ca);
  pb.beforeSend = (u, options) => ({ url: u, options: { ...options, fetch } });
  return pb;
}
