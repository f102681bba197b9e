import type * as AcmeClient from "acme-client";
import type { Issuer } from "./acme-certificates.js";
import type { AcmeStore } from "./acme-store.js";

export interface AcmeAccount {
  directoryUrl: string;
  email?: string;
  store: AcmeStore;
  /** Extra CA certificates to trust for the ACME server itself (a test server's own CA). */
  ca?: string;
}

/**
 * Orders certificates from an ACME server (RFC 8555) with acme-client: the account key is made
 * once and kept in the store; each order proves control of the domains by HTTP-01 (the answer is
 * served on the plain-HTTP port while the order runs) and agrees to the server's terms.
 * acme-client (with its HTTP client) costs ~30 MB of memory once loaded: it loads with the first
 * order, not at every start.
 */
export function acmeIssuer(account: AcmeAccount): Issuer {
  return async (domains, challenges) => {
    const acme: typeof AcmeClient = await import("acme-client");
    let accountKey = account.store.accountKey();
    if (!accountKey) {
      accountKey = (await acme.crypto.createPrivateEcdsaKey()).toString();
      account.store.saveAccountKey(accountKey);
    }
    if (account.ca) {
      const { Agent } = await import("node:https");
      acme.axios.defaults.httpsAgent = new Agent({ ca: account.ca });
    }
    const client = new acme.Client({ directoryUrl: account.directoryUrl, accountKey });
    const [key, csr] = await acme.crypto.createCsr(
      { altNames: domains },
      await acme.crypto.createPrivateEcdsaKey(),
    );
    const cert = await client.auto({
      csr,
      ...(account.email ? { email: account.email } : {}),
      termsOfServiceAgreed: true,
      challengePriority: ["http-01"],
      // The server asks our own HTTP port for the answer; checking it ourselves first would need
      // the public DNS name to resolve to us from here, which it may not behind NAT.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
        challenges.set(challenge.token, keyAuthorization);
      },
      challengeRemoveFn: async (_authz, challenge) => {
        challenges.delete(challenge.token);
      },
    });
    return { cert, key: key.toString() };
  };
}
