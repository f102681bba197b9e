import { describe, expect, it } from "vitest";
import { isValidFilename } from "../collections/fields/file.js";
import { parseRange } from "./byte-range.js";
import { storedFilename } from "./file-names.js";
import { contentDisposition, servePolicy } from "./serve-policy.js";
import { sniffContentType } from "./sniff.js";
import { assertSafeKey } from "./storage.js";
import { parseThumb } from "./thumbs.js";

describe("stored file names", () => {
  it.each([
    ["photo.PNG", /^photo_[a-z0-9]{10}\.png$/],
    ["../../x.png", /^x_[a-z0-9]{10}\.png$/],
    ["..\\..\\win.ini", /^win_[a-z0-9]{10}\.ini$/],
    ["evil\0name\r\n.txt", /^evil_name_[a-z0-9]{10}\.txt$/],
    [".env", /^env_[a-z0-9]{10}$/],
    ["", /^file_[a-z0-9]{10}$/],
    ["résumé final.pdf", /^r_sum_final_[a-z0-9]{10}\.pdf$/],
    ["a.tar.<script>", /^a_tar_[a-z0-9]{10}$/],
    [`${"x".repeat(5000)}.jpg`, /^x{100}_[a-z0-9]{10}\.jpg$/],
  ])("name %# is made safe", (input, expected) => {
    const name = storedFilename(input);
    expect(name).toMatch(expected);
    expect(isValidFilename(name)).toBe(true);
  });
});

describe("content sniffing", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  it.each([
    [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]), "image/png"],
    [text("%PDF-1.7\n"), "application/pdf"],
    [text("<!DOCTYPE html><p>hi"), "text/html"],
    [text("  <html><body>"), "text/html"],
    [text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'), "image/svg+xml"],
    [text("<?xml version='1.0'?><note/>"), "application/xml"],
    [text("just words"), "text/plain"],
    [Buffer.from([0, 1, 2, 3, 255]), "application/octet-stream"],
  ])("%#", async (bytes, type) => {
    expect(await sniffContentType(bytes)).toBe(type);
  });
});

describe("serving policy", () => {
  it("shows media and text inline, everything else as an opaque attachment", () => {
    expect(servePolicy("image/png", false)).toEqual({ contentType: "image/png", disposition: "inline" });
    expect(servePolicy("image/png", true).disposition).toBe("attachment");
    for (const t of ["text/html", "image/svg+xml", "application/xml", "application/octet-stream"])
      expect(servePolicy(t, false)).toEqual({
        contentType: "application/octet-stream",
        disposition: "attachment",
      });
  });

  it("encodes names per RFC 5987", () => {
    expect(contentDisposition("attachment", 'naïve "x".txt')).toBe(
      `attachment; filename="na_ve _x_.txt"; filename*=UTF-8''na%C3%AFve%20%22x%22.txt`,
    );
  });
});

describe("ranges, thumbs and keys", () => {
  it("parses byte ranges", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=50-5000", 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange("bytes=100-", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-1,5-6", 100)).toBeNull();
    expect(parseRange("items=0-1", 100)).toBeNull();
  });

  it("parses thumb sizes", () => {
    expect(parseThumb("100x50")).toEqual({ width: 100, height: 50, mode: "center" });
    expect(parseThumb("0x50t")).toEqual({ width: 0, height: 50, mode: "top" });
    expect(parseThumb("10x10f")?.mode).toBe("fit");
    expect(parseThumb("0x0")).toBeNull();
    expect(parseThumb("10x10z")).toBeNull();
  });

  it("refuses keys that leave the storage root", () => {
    for (const bad of ["../x", "a/../../b", "/abs", "a//b", "a/./b", "a\\b", "a\0b"])
      expect(() => assertSafeKey(bad)).toThrow();
    expect(() => assertSafeKey("c/r/file.png")).not.toThrow();
    expect(() => assertSafeKey("c/r/")).not.toThrow();
  });
});
