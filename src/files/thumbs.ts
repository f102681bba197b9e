import { availableParallelism } from "node:os";
import { Readable } from "node:stream";
import type { ResizeOptions } from "sharp";
import type { FileField } from "../collections/model.js";
import { randomId } from "../ids.js";
import { type FileStorage, TEMP_PREFIX } from "./storage.js";

/** The images PocketBase makes thumbs of; anything else is served as is. */
export const THUMB_SOURCE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
/** Always allowed, whatever the field lists (the admin UI's previews), as in PocketBase. */
const DEFAULT_THUMBS = ["100x100"];
/**
 * Decoding is refused above this many pixels: a small compressed file can declare a huge canvas
 * (a "pixel flood") and would otherwise take gigabytes to decode.
 */
export const MAX_THUMB_INPUT_PIXELS = 50_000_000;

export interface ThumbSpec {
  width: number;
  height: number;
  /** center/top/bottom crop to exactly WxH; fit shrinks inside WxH keeping the whole image. */
  mode: "center" | "top" | "bottom" | "fit";
}

const THUMB = /^(\d{1,5})x(\d{1,5})([tbf]?)$/;

export function parseThumb(spec: string): ThumbSpec | null {
  const m = THUMB.exec(spec);
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width === 0 && height === 0) return null;
  const mode = m[3] === "t" ? "top" : m[3] === "b" ? "bottom" : m[3] === "f" ? "fit" : "center";
  return { width, height, mode };
}

/** Only sizes the field lists are made (so a client can't fill the storage with arbitrary sizes). */
export function thumbAllowed(field: FileField, spec: string): boolean {
  return DEFAULT_THUMBS.includes(spec) || (field.thumbs ?? []).includes(spec);
}

function resizeOptions({ width, height, mode }: ThumbSpec): ResizeOptions {
  // 0 means "follow the aspect ratio" on that side.
  const size = { ...(width > 0 ? { width } : {}), ...(height > 0 ? { height } : {}) };
  if (width === 0 || height === 0) return size;
  if (mode === "fit") return { ...size, fit: "inside" };
  return { ...size, fit: "cover", position: mode === "center" ? "centre" : mode };
}

/**
 * Makes thumbs on first request and keeps them next to the original. One generation per thumb at
 * a time (concurrent requests wait for it), and a few at a time overall to bound memory.
 */
export class Thumbnails {
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly maxRunning = Math.max(2, availableParallelism());

  constructor(private readonly storage: FileStorage) {}

  /** True when the thumb exists (made now or earlier); false when it can't be made: serve the original. */
  ensure(sourceKey: string, key: string, spec: ThumbSpec, contentType: string): Promise<boolean> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.make(sourceKey, key, spec, contentType).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async make(sourceKey: string, key: string, spec: ThumbSpec, contentType: string): Promise<boolean> {
    if (await this.storage.stat(key)) return true;
    await this.slot();
    try {
      const source = await this.storage.read(sourceKey);
      // Loaded on the first thumbnail: sharp and libvips cost memory a server may never need.
      const { default: sharp } = await import("sharp");
      const transform = sharp({ limitInputPixels: MAX_THUMB_INPUT_PIXELS, failOn: "error" }).resize(
        resizeOptions(spec),
      );
      const output = await new Promise<Buffer>((resolve, reject) => {
        source.once("error", reject);
        source.pipe(transform);
        transform.toBuffer().then(resolve, reject);
      }).catch(() => null);
      source.destroy();
      if (!output) return false;
      // Written aside then moved, so nobody ever reads half a thumb.
      const temp = `${TEMP_PREFIX}${randomId(24)}`;
      await this.storage.write(temp, Readable.from([output]), contentType);
      await this.storage.move(temp, key);
      return true;
    } finally {
      this.release();
    }
  }

  private async slot(): Promise<void> {
    if (this.running < this.maxRunning) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
