import type { Store } from "../store/store.js";
import { issueSetupToken, noSuperuserYet } from "./setup-token.js";

/**
 * On a fresh install (no superuser yet), a one-time link to the admin's setup page; otherwise
 * null. `baseUrl` is the address the server listens on.
 */
export async function firstRunSetupLink(services: { store: Store }, baseUrl: string): Promise<string | null> {
  if (!(await noSuperuserYet(services.store.db))) return null;
  const token = await issueSetupToken(services.store);
  return `${baseUrl.replace(/\/+$/, "")}/_/#/setup/${token}`;
}
