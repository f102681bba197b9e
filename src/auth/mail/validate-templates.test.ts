import { describe, expect, it } from "vitest";
import { defaultTemplates } from "./default-templates.js";
import {
  authTemplateIssues,
  isEmailTemplate,
  MAX_BODY_LENGTH,
  templateIssues,
} from "./validate-templates.js";

describe("email template validation", () => {
  it("accepts every default template", () => {
    for (const t of Object.values(defaultTemplates)) expect(isEmailTemplate(t)).toBe(true);
  });

  it("names what is wrong with a template", () => {
    expect(Object.keys(templateIssues(null))).toEqual(["subject"]);
    expect(Object.keys(templateIssues({ subject: "", body: 5 }))).toEqual(["subject", "body"]);
    expect(templateIssues({ subject: "a\r\nBcc: x@y.z", body: "b" })).toMatchObject({
      subject: { code: "validation_invalid_value" },
    });
    expect(templateIssues({ subject: "s", body: "x".repeat(MAX_BODY_LENGTH + 1) })).toMatchObject({
      body: { code: "validation_length_too_long" },
    });
  });

  it("checks the templates of auth options where they live, skipping absent ones", () => {
    expect(authTemplateIssues({})).toEqual({});
    const issues = authTemplateIssues({
      verificationTemplate: { subject: "ok", body: "ok" },
      resetPasswordTemplate: "not an object",
      otp: { enabled: true, emailTemplate: { subject: "ok", body: "" } },
      authAlert: { enabled: true },
    });
    expect(Object.keys(issues).sort()).toEqual(["otp", "resetPasswordTemplate"]);
    expect(issues).toMatchObject({ otp: { emailTemplate: { body: { code: "validation_required" } } } });
  });
});
