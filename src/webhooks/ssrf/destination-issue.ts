import { type FieldIssue, issue } from "../../errors/api-error.js";
import type { AllowList } from "./allow-list.js";
import { checkedTarget, DestinationRefused, type Lookup, systemLookup } from "./checked-target.js";

/** A resolver that hangs must not hold the request that saves a webhook. */
const LOOKUP_TIMEOUT_MS = 5000;

const ALLOW_HINT =
  "Webhooks may only reach public addresses, or those listed in BACKROOM_WEBHOOK_ALLOW_PRIVATE.";

function withTimeout(lookup: Lookup, ms: number): Lookup {
  return (hostname) => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { code: "ETIMEOUT" })), ms);
    });
    return Promise.race([lookup(hostname), expired]).finally(() => clearTimeout(timer));
  };
}

/**
 * Whether a webhook URL may be saved: the same check every delivery makes (checked-target.ts),
 * so a private target is refused when it is entered rather than at each delivery. A host name that
 * can't be resolved now is refused as well: it can't be checked, and a webhook to nowhere is more
 * likely a typo than a plan. Deliveries check again, since DNS answers change.
 */
export async function destinationIssue(
  url: string,
  allow: AllowList,
  lookup: Lookup = systemLookup,
  timeoutMs = LOOKUP_TIMEOUT_MS,
  /** What may be reached instead, for the refusal's message (push endpoints share this check). */
  hint = ALLOW_HINT,
): Promise<FieldIssue | null> {
  const parsed = new URL(url);
  try {
    await checkedTarget(parsed, allow, withTimeout(lookup, timeoutMs));
    return null;
  } catch (err) {
    if (err instanceof DestinationRefused) {
      const why = err.message.replace(/^refused: /, "");
      return issue("validation_url_not_public", `Refused: ${why}. ${hint}`);
    }
    const code = (err as { code?: unknown }).code;
    const host = parsed.hostname;
    if (code === "ENOTFOUND" || code === "EAI_NONAME" || code === "ENODATA" || code === undefined)
      return issue("validation_url_unresolved", `The host name ${host} does not resolve.`);
    return issue(
      "validation_url_unresolved",
      `The host name ${host} could not be resolved just now (${String(code)}); try again.`,
    );
  }
}
