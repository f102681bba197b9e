import { describe, expect, it } from "vitest";
import { AllowList } from "./allow-list.js";
import type { Lookup } from "./checked-target.js";
import { destinationIssue } from "./destination-issue.js";

const resolveTo =
  (...addresses: string[]): Lookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
const failWith =
  (code: string): Lookup =>
  async () => {
    throw Object.assign(new Error(code), { code });
  };

describe("destinationIssue (the check a webhook URL passes when it is saved)", () => {
  const none = new AllowList();

  it("accepts public targets and private ones the allow list names", async () => {
    expect(
      await destinationIssue("https://hooks.example.com/x", none, resolveTo("93.184.216.34")),
    ).toBeNull();
    expect(await destinationIssue("http://93.184.216.34/x", none, failWith("ENOTFOUND"))).toBeNull();
    const allow = new AllowList("hooks.internal, 127.0.0.1:9000");
    expect(await destinationIssue("http://hooks.internal/x", allow, resolveTo("10.0.0.7"))).toBeNull();
    expect(await destinationIssue("http://127.0.0.1:9000/x", allow)).toBeNull();
  });

  it("refuses a private answer with the reason and how to allow it", async () => {
    const refused = await destinationIssue("http://intranet.example/x", none, resolveTo("192.168.1.20"));
    expect(refused).toEqual({
      code: "validation_url_not_public",
      message:
        "Refused: intranet.example resolves to 192.168.1.20 (private). Webhooks may only reach public addresses, or those listed in BACKROOM_WEBHOOK_ALLOW_PRIVATE.",
    });
    expect((await destinationIssue("http://127.0.0.1:9001/", new AllowList("127.0.0.1:9000")))?.code).toBe(
      "validation_url_not_public",
    );
  });

  it("refuses names that don't resolve, saying whether to try again", async () => {
    const missing = await destinationIssue("http://typo.example/x", none, failWith("ENOTFOUND"));
    expect(missing).toEqual({
      code: "validation_url_unresolved",
      message: "The host name typo.example does not resolve.",
    });
    const empty = await destinationIssue("http://empty.example/x", none, resolveTo());
    expect(empty?.code).toBe("validation_url_unresolved");
    const flaky = await destinationIssue("http://dns.example/x", none, failWith("EAI_AGAIN"));
    expect(flaky?.message).toBe(
      "The host name dns.example could not be resolved just now (EAI_AGAIN); try again.",
    );
  });

  it("gives up on a resolver that hangs", async () => {
    const hang: Lookup = () => new Promise(() => {});
    const started = Date.now();
    const slow = await destinationIssue("http://slow.example/x", none, hang, 50);
    expect(slow?.message).toMatch(/could not be resolved just now \(ETIMEOUT\)/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
