import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { AllowList } from "./allow-list.js";
import { forbiddenReason } from "./forbidden-addresses.js";

/** A destination refused for good (scheme, credentials, a private address): retrying cannot help. */
export class DestinationRefused extends Error {
  override name = "DestinationRefused";
}

/** Where to connect: the URL, and the one address that was checked (connect there, never re-resolve). */
export interface CheckedTarget {
  url: URL;
  hostname: string;
  address: string;
  family: 4 | 6;
  port: number;
}

export type Lookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves a webhook URL to an address it may reach. The URL is parsed by the WHATWG parser,
 * which already turns odd IPv4 spellings (2130706433, 0x7f.1, 0177.0.0.1) into dotted form;
 * every address the name resolves to must be public (or allowed): one private answer refuses
 * the whole name, so a resolver can't slip one in among public ones.
 */
export async function checkedTarget(
  url: URL,
  allow: AllowList,
  lookup: Lookup = systemLookup,
): Promise<CheckedTarget> {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new DestinationRefused(`only http and https URLs are delivered to (got ${url.protocol})`);
  if (url.username || url.password)
    throw new DestinationRefused("URLs with credentials are not delivered to");
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const addresses = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) }] : await lookup(hostname);
  if (addresses.length === 0) throw new Error(`${hostname} did not resolve`);
  for (const { address } of addresses) {
    const reason = forbiddenReason(address);
    if (reason && !allow.allows(hostname, port, address))
      throw new DestinationRefused(
        `refused: ${hostname === address ? address : `${hostname} resolves to ${address}`} (${reason})`,
      );
  }
  const chosen = addresses[0] as { address: string; family: number };
  return { url, hostname, address: chosen.address, family: chosen.family === 6 ? 6 : 4, port };
}
