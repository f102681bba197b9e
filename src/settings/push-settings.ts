import { createECDH } from "node:crypto";
import { type IssueMap, issue } from "../errors/api-error.js";
import type { Settings } from "./settings-model.js";

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Bytes of a base64url text, or null when it isn't base64url. */
export function base64UrlBytes(text: string): Buffer | null {
  const bare = text.replace(/=+$/, "");
  return BASE64URL.test(bare) ? Buffer.from(bare, "base64url") : null;
}

/** The public key of a P-256 private scalar, base64url (uncompressed point); null if it isn't one. */
export function vapidPublicKeyOf(privateKey: string): string | null {
  const scalar = base64UrlBytes(privateKey);
  if (scalar?.length !== 32) return null;
  try {
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(scalar);
    return ecdh.getPublicKey().toString("base64url");
  } catch {
    return null;
  }
}

/**
 * The push section as a whole: a VAPID pair is both keys or neither (generated on first use), and
 * the public key must be the private key's, or every push would be refused by the push services.
 */
export function checkPush(push: Settings["push"]): IssueMap | null {
  const issues: IssueMap = {};
  const { vapidPublicKey: pub, vapidPrivateKey: priv } = push;
  if (pub !== "" || priv !== "") {
    const derived = priv === "" ? null : vapidPublicKeyOf(priv);
    if (priv === "") issues.vapidPrivateKey = issue("validation_required", "Set both keys, or neither.");
    else if (!derived)
      issues.vapidPrivateKey = issue(
        "validation_invalid_vapid_key",
        "Must be a P-256 private key: 32 bytes, base64url.",
      );
    else if (pub === "") issues.vapidPublicKey = issue("validation_required", "Set both keys, or neither.");
    else if (derived !== pub.replace(/=+$/, ""))
      issues.vapidPublicKey = issue(
        "validation_invalid_vapid_key",
        "Must be the public key of the private key (an uncompressed P-256 point, base64url).",
      );
  }
  if (push.subject !== "" && !/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/.test(push.subject))
    issues.subject = issue("validation_invalid_value", "Must be a mailto: address or an https: URL.");
  if (
    !Number.isInteger(push.maxSubscriptionsPerUser) ||
    push.maxSubscriptionsPerUser < 1 ||
    push.maxSubscriptionsPerUser > 1000
  )
    issues.maxSubscriptionsPerUser = issue(
      "validation_invalid_value",
      "Must be a whole number from 1 to 1000.",
    );
  return Object.keys(issues).length > 0 ? issues : null;
}
