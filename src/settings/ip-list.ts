import { BlockList, isIP } from "node:net";

/** An address or a CIDR subnet (`10.0.0.0/8`, `2001:db8::/32`), as `superuserIPs` and `excludedIPs` hold them. */
export function isIpOrSubnet(value: string): boolean {
  const slash = value.indexOf("/");
  if (slash < 0) return isIP(value) !== 0;
  const family = isIP(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** Whether an address is one of the list's addresses or inside one of its subnets. */
export function ipInList(list: readonly string[], ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  const blocks = new BlockList();
  for (const item of list) {
    if (!isIpOrSubnet(item)) continue;
    const [address = "", bits] = item.split("/");
    const type = isIP(address) === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) blocks.addAddress(address, type);
    else blocks.addSubnet(address, Number(bits), type);
  }
  return blocks.check(ip, family === 4 ? "ipv4" : "ipv6");
}
