import { createECDH } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptPush } from "./push-receiver.js";

describe("the test push service's decryption", () => {
  it("decrypts RFC 8291's own example (Appendix A), so the end-to-end suite checks against the RFC", () => {
    const receiver = createECDH("prime256v1");
    receiver.setPrivateKey(Buffer.from("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94", "base64url"));
    expect(receiver.getPublicKey().toString("base64url")).toBe(
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
    );
    const body = Buffer.from(
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
      "base64url",
    );
    const authSecret = Buffer.from("BTBZMqHH6r4Tts7J_aSIgg", "base64url");
    expect(decryptPush(body, receiver, authSecret)).toBe("When I grow up, I want to be a watermelon");
  });

  it("refuses a body whose tag does not match (a wrong auth secret)", () => {
    const receiver = createECDH("prime256v1");
    receiver.setPrivateKey(Buffer.from("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94", "base64url"));
    const body = Buffer.from(
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
      "base64url",
    );
    expect(() => decryptPush(body, receiver, Buffer.alloc(16))).toThrow();
  });
});
