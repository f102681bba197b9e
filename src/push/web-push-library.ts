import type webpush from "web-push";

let loaded: Promise<typeof webpush> | undefined;

/**
 * The web-push library, loaded on first use: with its ASN.1 and big-number dependencies it is
 * ~100 modules that a server which never sends a push (or hands out its VAPID key) need not hold.
 */
export function webPush(): Promise<typeof webpush> {
  loaded ??= import("web-push").then(
    (m) => m.default,
    (err) => {
      loaded = undefined; // the next use tries again
      throw err;
    },
  );
  return loaded;
}
