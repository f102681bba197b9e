import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * The public folder (PocketBase's `pb_public`): a small site served at `/` beside the API. Only
 * GET/HEAD; `/api/` and `/_/` stay the server's own (a missing API path is an API 404, not a page).
 * A folder serves its index.html (never a listing); a missing page whose name has no extension
 * gets the root index.html, so a single-page app's own URLs load (PocketBase's index fallback).
 * Names starting with "." are never served, and nothing outside the folder is, symlinks included.
 */
export class PublicFolder {
  constructor(private readonly dir: string) {}

  /** Sends the file for this request and returns true, or returns false (the caller answers 404). */
  async serve(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (request.method !== "GET" && request.method !== "HEAD") return false;
    const pathname = request.url.split("?", 1)[0] ?? "/";
    if (pathname.startsWith("/api/") || pathname === "/api" || pathname.startsWith("/_/")) return false;
    const root = await this.rootDir();
    if (!root) return false;
    const segments = decodeSegments(pathname);
    if (!segments) return false;

    const found = await this.find(root, segments);
    if (found === "directory") {
      // `/docs` → `/docs/`, so the page's relative links resolve inside the folder.
      const query = request.url.slice(pathname.length);
      reply.redirect(`${pathname}/${query}`, 301);
      return true;
    }
    if (found) return this.send(request, reply, found);
    const last = segments[segments.length - 1] ?? "";
    if (extname(last) !== "") return false;
    const index = await this.find(root, ["index.html"]);
    return index !== null && index !== "directory" ? this.send(request, reply, index) : false;
  }

  /** The folder's real path, or null when there is none (looked up per request: it may come later). */
  private async rootDir(): Promise<string | null> {
    try {
      const path = await realpath(this.dir);
      return (await stat(path)).isDirectory() ? path : null;
    } catch {
      return null;
    }
  }

  private async find(
    root: string,
    segments: readonly string[],
  ): Promise<{ path: string; size: number; mtime: Date } | "directory" | null> {
    const wantsFolder = segments.length === 0 || segments[segments.length - 1] === "";
    const parts = segments.filter((s) => s !== "");
    let path: string;
    try {
      path = await realpath(join(root, ...parts));
    } catch {
      return null;
    }
    // A symlink (or anything else) resolving outside the folder is as good as missing.
    if (path !== root && !path.startsWith(root + sep)) return null;
    const info = await stat(path).catch(() => null);
    if (!info) return null;
    if (info.isDirectory()) {
      if (!wantsFolder) return "directory";
      const index = await this.find(root, [...parts, "index.html"]);
      return index === "directory" ? null : index;
    }
    if (!info.isFile() || wantsFolder) return null;
    return { path, size: info.size, mtime: info.mtime };
  }

  private send(
    request: FastifyRequest,
    reply: FastifyReply,
    file: { path: string; size: number; mtime: Date },
  ): true {
    const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtime.getTime()).toString(16)}"`;
    reply
      .header("etag", etag)
      .header("last-modified", file.mtime.toUTCString())
      // Revalidated on every load: an edited file shows up at once, an unchanged one costs a 304.
      .header("cache-control", "no-cache")
      .type(contentType(file.path));
    if (request.headers["if-none-match"] === etag) {
      reply.code(304).send();
      return true;
    }
    // HEAD: an empty stream, so Fastify keeps our length and the file is not read for nothing.
    const body = request.method === "HEAD" ? Readable.from([]) : createReadStream(file.path);
    reply.header("content-length", file.size).send(body);
    return true;
  }
}

/**
 * The URL path as folder names, or null when it can't name a file of the folder: bad %-encoding,
 * NUL, backslashes, `.`/`..`, dot-names (`.env`, `.git`), or empty names in the middle (`a//b`).
 * A trailing "" means the path ended with "/".
 */
function decodeSegments(pathname: string): string[] | null {
  const raw = pathname.split("/").slice(1);
  const segments: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    let name: string;
    try {
      name = decodeURIComponent(raw[i] ?? "");
    } catch {
      return null;
    }
    if (name === "" && i !== raw.length - 1) return null;
    if (name.startsWith(".") || name.includes("/") || name.includes("\\") || name.includes("\0")) return null;
    segments.push(name);
  }
  return segments;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
  ".zip": "application/zip",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".wav": "audio/wav",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
};

/** By extension; anything unknown is a download (never sniffed: the server sends `nosniff`). */
function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}
