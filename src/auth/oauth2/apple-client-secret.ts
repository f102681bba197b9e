import type { importPKCS8 } from "jose";
import { ApiError, type IssueMap, issue } from "../../errors/api-error.js";

/** The longest client secret Apple accepts: six months, in seconds. */
export const APPLE_SECRET_MAX_DURATION = 15_777_000;
const PRIVATE_KEY = /-----BEGIN PRIVATE KEY----[\s\S]+-----END PRIVATE KEY-----/;

export interface AppleClientSecretInput {
  clientId: unknown;
  teamId: unknown;
  keyId: unknown;
  privateKey: unknown;
  duration: unknown;
}

/**
 * The client secret Sign in with Apple wants: an ES256 JWT signed with the app's private key
 * (a .p8 file), `kid` the key's id, issued by the team to the service id, for `duration` seconds.
 */
export async function appleClientSecret(input: AppleClientSecretInput): Promise<string> {
  const issues: IssueMap = {};
  const text = (key: keyof AppleClientSecretInput, length?: number) => {
    const v = input[key];
    if (typeof v !== "string" || v === "") issues[key] = issue("validation_required", "Cannot be blank.");
    else if (length !== undefined && v.length !== length)
      issues[key] = issue("validation_length_invalid", `Must be exactly ${length} characters.`);
    return typeof v === "string" ? v : "";
  };
  const clientId = text("clientId");
  const teamId = text("teamId", 10);
  const keyId = text("keyId", 10);
  const privateKey = text("privateKey");
  if (!issues.privateKey && !PRIVATE_KEY.test(privateKey))
    issues.privateKey = issue("validation_match_invalid", "Must be a PEM private key (BEGIN PRIVATE KEY).");
  const duration = input.duration;
  if (duration === undefined || duration === 0 || duration === "")
    issues.duration = issue("validation_required", "Cannot be blank.");
  else if (typeof duration !== "number" || !Number.isInteger(duration))
    issues.duration = issue("validation_invalid_value", "Must be a whole number of seconds.");
  else if (duration < 1)
    issues.duration = issue("validation_min_greater_equal_than_required", "Must be at least 1.");
  else if (duration > APPLE_SECRET_MAX_DURATION)
    issues.duration = issue(
      "validation_max_less_equal_than_required",
      `Must be at most ${APPLE_SECRET_MAX_DURATION}.`,
    );
  if (Object.keys(issues).length > 0) throw new ApiError(400, "Invalid client secret data.", issues);

  // jose loads on first use (as in id-token.ts): ~9 MB a server that signs nothing needn't hold.
  const { importPKCS8, SignJWT } = await import("jose");
  let key: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    key = await importPKCS8(privateKey.trim(), "ES256");
  } catch {
    throw new ApiError(400, "Failed to generate client secret: the private key is not an ES256 (P-256) key.");
  }
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: keyId, typ: "JWT" })
    .setAudience("https://appleid.apple.com")
    .setSubject(clientId)
    .setIssuer(teamId)
    .setIssuedAt(now)
    .setExpirationTime(now + (duration as number))
    .sign(key);
}
