import { ApiError, badRequest } from "../../errors/api-error.js";

/** The protocol version served, and the extensions (tus 1.0: https://tus.io/protocols/resumable-upload). */
export const TUS_VERSION = "1.0.0";
export const TUS_EXTENSIONS = "creation,creation-with-upload,termination,expiration";
/** The only body type a PATCH (or a creation with upload) may carry. */
export const TUS_CONTENT_TYPE = "application/offset+octet-stream";

/** Headers a browser client must be able to read (CORS exposes them). */
export const TUS_EXPOSED_HEADERS = [
  "Location",
  "Upload-Offset",
  "Upload-Length",
  "Upload-Metadata",
  "Upload-Expires",
  "Tus-Resumable",
  "Tus-Version",
  "Tus-Extension",
  "Tus-Max-Size",
];

/** The largest Upload-Metadata header read (keys and base64 values). */
const MAX_METADATA = 4096;
const KEY = /^[\x21-\x2b\x2d-\x7e]{1,64}$/; // printable ASCII without space or comma
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A tus error: the API's error shape, with the status the protocol names. */
export class TusError extends ApiError {}

/** A whole non-negative number header (Upload-Length, Upload-Offset); undefined when absent. */
export function byteCountHeader(value: string | string[] | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d{1,16}$/.test(value))
    throw badRequest(`${name} must be a whole number of bytes.`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw badRequest(`${name} must be a whole number of bytes.`);
  return n;
}

/**
 * Upload-Metadata: comma-separated `key base64value` pairs (a key alone means an empty value).
 * Values are decoded as UTF-8; a key sent twice, a bad key or bad base64 is a 400.
 */
export function parseMetadata(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (header === undefined || header === "") return out;
  if (typeof header !== "string" || header.length > MAX_METADATA)
    throw badRequest(`Upload-Metadata must be at most ${MAX_METADATA} characters.`);
  for (const pair of header.split(",")) {
    const [key = "", value = "", ...rest] = pair.trim().split(" ");
    if (!KEY.test(key) || rest.length > 0 || !BASE64.test(value) || out.has(key))
      throw badRequest("Upload-Metadata must be comma-separated pairs of a key and a base64 value.");
    out.set(key, Buffer.from(value, "base64").toString("utf8"));
  }
  return out;
}

/** Upload-Expires is an RFC 9110 date. */
export function httpDate(date: Date): string {
  return date.toUTCString();
}
