import type { SettingsService } from "../settings/settings-service.js";
import { webPush } from "./web-push-library.js";

export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

/**
 * The VAPID key pair from settings, generated and stored on first use (one pair even when nodes
 * start using push at once: SettingsService.initialize keeps the first). Browsers subscribe with
 * the public key, and the push service only accepts messages signed by its private key.
 */
export async function vapidDetails(
  settings: Pick<SettingsService, "get" | "initialize">,
): Promise<VapidDetails> {
  let current = await settings.get();
  if (current.push.vapidPublicKey === "" || current.push.vapidPrivateKey === "") {
    const pair = (await webPush()).generateVAPIDKeys();
    current = await settings.initialize(
      (s) => s.push.vapidPublicKey !== "" && s.push.vapidPrivateKey !== "",
      {
        push: { vapidPublicKey: pair.publicKey, vapidPrivateKey: pair.privateKey },
      },
    );
  }
  const { push, meta } = current;
  return {
    subject: push.subject || `mailto:${meta.senderAddress}`,
    publicKey: push.vapidPublicKey,
    privateKey: push.vapidPrivateKey,
  };
}
