import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  type ECDH,
  hkdfSync,
  randomBytes,
  verify,
} from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

/**
 * A Web Push service for tests, on 127.0.0.1: it takes messages as a push service does (RFC 8030),
 * checks their VAPID signature (RFC 8292) and decrypts them (RFC 8291, aes128gcm) with the keys of
 * the subscription — the part a browser does. Written with node:crypto only, so it checks the
 * server's use of its Web Push library rather than trusting that library twice.
 */

/** A browser's side of one subscription: its ECDH key pair and auth secret. */
export interface TestSubscription {
  endpoint: string;
  path: string;
  /** What `PushSubscription.toJSON()` gives a page. */
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  ecdh: ECDH;
  authSecret: Buffer;
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
  /** The `k=` public key the JWT was verified with (base64url). */
  publicKey: string;
}

export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  /** The decrypted payload, or null for a message without a body. */
  plaintext: string | null;
  vapid: VapidClaims;
}

/** What went wrong with a request the receiver refused (bad signature, undecryptable body). */
export interface RefusedPush {
  path: string;
  reason: string;
}

export type PushResponder = (n: number) => number;

export interface PushReceiver {
  url: string;
  port: number;
  subscription(): TestSubscription;
  /** Messages accepted and decrypted for one subscription, in order. */
  received(sub: TestSubscription): ReceivedPush[];
  /** Every request that reached the receiver for a path (accepted or not). */
  attempts(sub: TestSubscription): number;
  refused: RefusedPush[];
  /** The status the n-th (1-based) request for this subscription gets, before any check (default 201). */
  respond(sub: TestSubscription, responder: PushResponder): void;
  close(): Promise<void>;
}

const b64u = (bytes: Buffer) => bytes.toString("base64url");

/** The `t=` JWT's claims once its ES256 signature checks out with the `k=` key; throws otherwise. */
export function verifyVapid(authorization: string | undefined, origin: string): VapidClaims {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
  if (!match) throw new Error(`no vapid Authorization: ${authorization}`);
  const [token, k] = [match[1] as string, match[2] as string];
  const point = Buffer.from(k, "base64url");
  if (point.length !== 65 || point[0] !== 4) throw new Error("k is not an uncompressed P-256 point");
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) },
    format: "jwk",
  });
  const [header, claims, signature] = token.split(".") as [string, string, string];
  if (JSON.parse(Buffer.from(header, "base64url").toString()).alg !== "ES256")
    throw new Error("alg is not ES256");
  const signed = Buffer.from(`${header}.${claims}`);
  if (!verify("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url")))
    throw new Error("the VAPID signature does not verify");
  const body = JSON.parse(Buffer.from(claims, "base64url").toString()) as VapidClaims;
  const now = Date.now() / 1000;
  if (body.aud !== origin) throw new Error(`aud ${body.aud} is not ${origin}`);
  if (!(body.exp > now && body.exp <= now + 24 * 3600)) throw new Error(`exp ${body.exp} is not within 24 h`);
  if (!/^(mailto:|https:)/.test(body.sub)) throw new Error(`sub ${body.sub} is not mailto: or https:`);
  return { ...body, publicKey: k };
}

/**
 * Decrypts an aes128gcm body (RFC 8188 framing) as RFC 8291 §3.4 says a user agent does: ECDH with
 * the sender's key from the header, the auth secret mixed in by HKDF, then the content key and
 * nonce from the salt. One record only (what a push message is).
 */
export function decryptPush(body: Buffer, ecdh: ECDH, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] as number;
  const senderKey = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (idlen !== 65) throw new Error(`keyid is ${idlen} bytes, not a P-256 point`);
  if (record.length > rs) throw new Error("more than one record");
  const shared = ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return padded.subarray(0, end).toString();
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const received = new Map<string, ReceivedPush[]>();
  const attempts = new Map<string, number>();
  const responders = new Map<string, PushResponder>();
  const subscriptions = new Map<string, TestSubscription>();
  const refused: RefusedPush[] = [];
  let origin = "";
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] as string;
      const n = (attempts.get(path) ?? 0) + 1;
      attempts.set(path, n);
      const status = responders.get(path)?.(n) ?? 201;
      const sub = subscriptions.get(path);
      if (status !== 201 || !sub || req.method !== "POST") {
        res.writeHead(sub ? status : 404).end();
        return;
      }
      try {
        const vapid = verifyVapid(req.headers.authorization, origin);
        const body = Buffer.concat(chunks);
        let plaintext: string | null = null;
        if (body.length > 0) {
          if (req.headers["content-encoding"] !== "aes128gcm") throw new Error("not aes128gcm");
          plaintext = decryptPush(body, sub.ecdh, sub.authSecret);
        }
        received.set(path, [...(received.get(path) ?? []), { path, headers: req.headers, plaintext, vapid }]);
        res.writeHead(201).end();
      } catch (err) {
        refused.push({ path, reason: (err as Error).message });
        res.writeHead(400).end();
      }
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    port,
    refused,
    subscription() {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const authSecret = randomBytes(16);
      const path = `/push/${randomBytes(12).toString("hex")}`;
      const endpoint = `${origin}${path}`;
      const sub: TestSubscription = {
        endpoint,
        path,
        ecdh,
        authSecret,
        json: {
          endpoint,
          expirationTime: null,
          keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(authSecret) },
        },
      };
      subscriptions.set(path, sub);
      return sub;
    },
    received: (sub) => received.get(sub.path) ?? [],
    attempts: (sub) => attempts.get(sub.path) ?? 0,
    respond: (sub, responder) => responders.set(sub.path, responder),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
