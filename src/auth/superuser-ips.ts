import { forbidden } from "../errors/api-error.js";
import { ipInList } from "../settings/ip-list.js";

/**
 * `settings.superuserIPs`: when it lists anything, a superuser (signing in, or sending a token)
 * from any other address is refused with a 403, as in PocketBase.
 */
export function checkSuperuserIp(allowed: readonly string[], ip: string): void {
  if (allowed.length > 0 && !ipInList(allowed, ip))
    throw forbidden("Superusers can't act from this IP address (settings.superuserIPs).");
}
