import { BlockList, isIP } from "node:net";

/** Address ranges a webhook must never reach unless allowed explicitly, with why. */
const RANGES: Array<[reason: string, cidr: string]> = [
  ["unspecified / this network", "0.0.0.0/8"],
  ["private", "10.0.0.0/8"],
  ["carrier-grade NAT", "100.64.0.0/10"],
  ["loopback", "127.0.0.0/8"],
  ["link-local", "169.254.0.0/16"],
  ["private", "172.16.0.0/12"],
  ["IETF protocol assignments", "192.0.0.0/24"],
  ["private", "192.168.0.0/16"],
  ["benchmarking", "198.18.0.0/15"],
  ["multicast", "224.0.0.0/4"],
  ["reserved", "240.0.0.0/4"],
  ["unspecified", "::/128"],
  ["loopback", "::1/128"],
  // Mapped and compatible forms embed an IPv4 address; no public webhook needs them.
  ["IPv4-mapped IPv6", "::ffff:0:0/96"],
  ["IPv4-compatible IPv6", "::/96"],
  ["NAT64", "64:ff9b::/96"],
  ["unique local (private)", "fc00::/7"],
  ["link-local", "fe80::/10"],
  ["site-local", "fec0::/10"],
  ["multicast", "ff00::/8"],
];

type Family = "ipv4" | "ipv6";

// One list per range, tagged with its family: a BlockList matches across families (an IPv6
// `::ffff:0:0/96` rule matches every IPv4 address), so only same-family ranges are consulted.
const lists: Array<[string, Family, BlockList]> = RANGES.map(([reason, cidr]) => {
  const [network, bits] = cidr.split("/") as [string, string];
  const family: Family = isIP(network) === 6 ? "ipv6" : "ipv4";
  const list = new BlockList();
  list.addSubnet(network, Number(bits), family);
  return [reason, family, list];
});

/** Why `ip` is off limits (loopback, private, …), or null for a public address. Non-IPs are refused. */
export function forbiddenReason(ip: string): string | null {
  const family = isIP(ip);
  if (family === 0) return "not an IP address";
  const type: Family = family === 6 ? "ipv6" : "ipv4";
  for (const [reason, listFamily, list] of lists)
    if (listFamily === type && list.check(ip, type)) return reason;
  return null;
}
