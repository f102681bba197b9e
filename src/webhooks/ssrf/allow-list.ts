import { BlockList, isIP } from "node:net";

interface HostEntry {
  host: string;
  port?: number;
}

/**
 * Private destinations an operator allows on purpose (BACKROOM_WEBHOOK_ALLOW_PRIVATE): a
 * comma-separated list of hosts (`hooks.internal`, `10.0.0.5`), hosts with a port
 * (`127.0.0.1:9000`, `[::1]:9000`) or CIDRs (`10.1.0.0/16`). A host entry matches the URL's host
 * name or the address it resolved to; a CIDR matches the address.
 */
export class AllowList {
  private readonly hosts: HostEntry[] = [];
  // Per family: a BlockList matches across families (see forbidden-addresses.ts).
  private readonly subnets = { ipv4: new BlockList(), ipv6: new BlockList() };

  constructor(spec = "") {
    for (const raw of spec.split(",")) {
      const entry = raw.trim().toLowerCase();
      if (entry) this.add(entry);
    }
  }

  private add(entry: string): void {
    const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const family = isIP(cidr[1] as string);
      const bits = Number(cidr[2]);
      if (family !== 0 && bits <= (family === 4 ? 32 : 128)) {
        const type = family === 4 ? "ipv4" : "ipv6";
        this.subnets[type].addSubnet(cidr[1] as string, bits, type);
        return;
      }
      throw new Error(`invalid CIDR in BACKROOM_WEBHOOK_ALLOW_PRIVATE: ${entry}`);
    }
    if (isIP(entry)) {
      this.hosts.push({ host: entry });
      return;
    }
    const withPort = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry);
    if (withPort) {
      this.hosts.push({ host: (withPort[1] ?? withPort[2]) as string, port: Number(withPort[3]) });
      return;
    }
    if (/^[a-z0-9.-]+$/.test(entry)) {
      this.hosts.push({ host: entry });
      return;
    }
    throw new Error(`invalid entry in BACKROOM_WEBHOOK_ALLOW_PRIVATE: ${entry}`);
  }

  /** Whether a connection to `address` (resolved from `hostname`) on `port` is allowed despite its range. */
  allows(hostname: string, port: number, address: string): boolean {
    const host = hostname.toLowerCase();
    const family = isIP(address);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (family !== 0 && this.subnets[type].check(address, type)) return true;
    return this.hosts.some(
      (entry) =>
        (entry.port === undefined || entry.port === port) && (entry.host === host || entry.host === address),
    );
  }
}
