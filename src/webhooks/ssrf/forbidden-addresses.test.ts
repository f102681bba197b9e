import { describe, expect, it } from "vitest";
import { AllowList } from "./allow-list.js";
import { checkedTarget, DestinationRefused } from "./checked-target.js";
import { forbiddenReason } from "./forbidden-addresses.js";

describe("forbiddenReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.1.2", "loopback"],
    ["::1", "loopback"],
    ["0.0.0.0", "unspecified / this network"],
    ["::", "unspecified"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["fd12::1", "unique local (private)"],
    ["fc00::1", "unique local (private)"],
    ["169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::ffff:127.0.0.1", "IPv4-mapped IPv6"],
    ["::ffff:7f00:1", "IPv4-mapped IPv6"],
    ["::ffff:8.8.8.8", "IPv4-mapped IPv6"],
    ["64:ff9b::7f00:1", "NAT64"],
    ["not-an-ip", "not an IP address"],
  ])("%s is %s", (ip, reason) => {
    expect(forbiddenReason(ip)).toBe(reason);
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "2001:db8::1"])(
    "%s is public",
    (ip) => {
      expect(forbiddenReason(ip)).toBeNull();
    },
  );
});

describe("AllowList", () => {
  const allow = new AllowList(" 127.0.0.1:9000 , hooks.internal, 10.1.0.0/16, [::1]:9001, 192.168.0.7 ");
  it("matches hosts, host:port and CIDRs", () => {
    expect(allow.allows("127.0.0.1", 9000, "127.0.0.1")).toBe(true);
    expect(allow.allows("localhost", 9000, "127.0.0.1")).toBe(true);
    expect(allow.allows("127.0.0.1", 9002, "127.0.0.1")).toBe(false);
    expect(allow.allows("hooks.internal", 443, "10.9.9.9")).toBe(true);
    expect(allow.allows("x.example", 80, "10.1.200.3")).toBe(true);
    expect(allow.allows("x.example", 80, "10.2.0.1")).toBe(false);
    expect(allow.allows("::1", 9001, "::1")).toBe(true);
    expect(allow.allows("::1", 80, "::1")).toBe(false);
    expect(allow.allows("192.168.0.7", 1, "192.168.0.7")).toBe(true);
  });
  it("refuses malformed entries loudly", () => {
    expect(() => new AllowList("10.0.0.0/99")).toThrow(/CIDR/);
    expect(() => new AllowList("http://x")).toThrow(/invalid entry/);
    expect(new AllowList("").allows("127.0.0.1", 80, "127.0.0.1")).toBe(false);
  });
});

describe("checkedTarget", () => {
  const none = new AllowList();
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  const refused = (url: string, lookup = resolveTo("93.184.216.34")) =>
    expect(checkedTarget(new URL(url), none, lookup)).rejects.toBeInstanceOf(DestinationRefused);

  it("normalises odd IPv4 spellings before checking", async () => {
    for (const url of [
      "http://2130706433/",
      "http://0x7f.1/",
      "http://0177.0.0.1/",
      "http://127.1/",
      "http://0/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::1]/",
      "http://169.254.169.254/latest/meta-data/",
    ])
      await refused(url);
  });

  it("refuses other schemes, credentials, and names with any private answer", async () => {
    await refused("ftp://example.com/");
    await refused("http://user:pw@example.com/");
    await refused("http://example.com/", resolveTo("93.184.216.34", "10.0.0.1"));
    await refused("http://localhost/", resolveTo("127.0.0.1", "::1"));
  });

  it("returns the checked address for a public name", async () => {
    const target = await checkedTarget(
      new URL("https://Example.com:8443/x"),
      none,
      resolveTo("93.184.216.34"),
    );
    expect(target).toMatchObject({
      hostname: "example.com",
      address: "93.184.216.34",
      family: 4,
      port: 8443,
    });
  });
});
