// Backroom's auth check done by hand, for the baselines: an HS256 JWT signed with the user's
// tokenKey + the collection's authToken secret, verified against the user row it names.
import { createHmac, timingSafeEqual } from "node:crypto";

function decodePart(part) {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

/**
 * Resolves an Authorization header to the user row, or null for a guest. `loadUser(id)` reads the
 * row (sync or async); `users` is `{ id, secret }` of the auth collection.
 */
export async function authenticateByHand(header, users, loadUser) {
  if (!header) return null;
  const token = header.startsWith("Bearer ") ? header.slice(7) : header;
  const [head, body, signature] = token.split(".");
  if (!signature) return null;
  const claims = decodePart(body);
  if (claims?.type !== "auth" || claims.collectionId !== users.id || typeof claims.id !== "string")
    return null;
  if (decodePart(head)?.alg !== "HS256") return null;
  const user = await loadUser(claims.id);
  if (!user) return null;
  const expected = createHmac("sha256", user.tokenKey + users.secret)
    .update(`${head}.${body}`)
    .digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= Date.now()) return null;
  return user;
}

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

/** Signs claims as an HS256 JWT, the header and claim order as Backroom's (jose) tokens have them. */
export function signByHand(claims, key) {
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = createHmac("sha256", key).update(`${HEADER}.${body}`).digest("base64url");
  return `${HEADER}.${body}.${signature}`;
}
