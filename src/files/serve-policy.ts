import { OCTET_STREAM } from "./sniff.js";

/**
 * Types a browser may show inline from our origin: media and plain text, which can't run script.
 * Anything else (HTML, SVG, XML, unknown) is served as an opaque download, so an upload can never
 * become a page of this site.
 */
const INLINE = [
  /^image\/(png|jpeg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon|tiff)$/,
  /^audio\//,
  /^video\//,
];
const INLINE_EXACT = new Set(["application/pdf", "text/plain"]);

export interface ServePolicy {
  contentType: string;
  disposition: "inline" | "attachment";
}

export function servePolicy(sniffed: string, forceDownload: boolean): ServePolicy {
  const inline = INLINE_EXACT.has(sniffed) || INLINE.some((re) => re.test(sniffed));
  if (!inline) return { contentType: OCTET_STREAM, disposition: "attachment" };
  const contentType = sniffed === "text/plain" ? "text/plain; charset=utf-8" : sniffed;
  return { contentType, disposition: forceDownload ? "attachment" : "inline" };
}

/** `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 / RFC 5987). */
export function contentDisposition(disposition: "inline" | "attachment", filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** `?download=1` (or t/true), as PocketBase reads it. */
export function wantsDownload(value: string | undefined): boolean {
  return value !== undefined && ["1", "t", "true", "yes"].includes(value.toLowerCase());
}
