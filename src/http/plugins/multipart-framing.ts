import { ApiError, badRequest } from "../../errors/api-error.js";

export interface FramingLimits {
  /** The whole body, every part with its headers. */
  maxBytes: number;
  /** Bytes allowed before the first boundary, and after the closing one. */
  preamble: number;
  /** One part's header block. */
  headerBlock: number;
}

export const FRAMING_LIMITS: Omit<FramingLimits, "maxBytes"> = { preamble: 1024, headerBlock: 16 * 1024 };

const CRLF = Buffer.from("\r\n");
const EMPTY = Buffer.alloc(0);
const HEADER_END = Buffer.from("\r\n\r\n");
const DISPOSITION = /^content-disposition:/i;
const FORM_DATA_NAME = /^content-disposition:[ \t]?form-data[ \t]*;(?:.*;)?[ \t]*name[ \t]*=/i;
/** A header line as busboy reads one: a name, a colon, no stray CR or LF. */
const HEADER_LINE = /^[^:\r\n]+:[^\r\n]*$/;
/** RFC 2046: 1 to 70 characters of a small set, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

const malformed = (detail: string) => badRequest(`The multipart body is malformed: ${detail}`);

/** The boundary of a `multipart/form-data` Content-Type, or a 400 when it is missing or invalid. */
export function multipartBoundary(contentType: string | undefined): string {
  const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? "");
  const boundary = m?.[1] ?? m?.[2] ?? "";
  if (!BOUNDARY.test(boundary))
    throw badRequest("The multipart Content-Type needs a boundary of 1 to 70 characters (RFC 2046).");
  return boundary;
}

type State = "preamble" | "boundary" | "headers" | "body" | "epilogue";

/**
 * Checks a multipart body's framing as its bytes arrive, and throws at the first byte that shows it
 * malformed or over its size, so that reading stops there: busboy reads anything before the first
 * boundary as preamble (a gigabyte of it, to the end), skips parts without headers and treats a body
 * without its closing boundary as complete. The bytes are only looked at, never changed.
 *
 * Accepted: at most `preamble` bytes before the first `--boundary`; each boundary line ends in CRLF
 * (a part follows) or `--` (the body ends); each part has a header block (at most `headerBlock`
 * bytes) with `Content-Disposition: form-data; name=…`; at least one part; at most `preamble` bytes
 * after the closing boundary. `end()` throws when the body stopped before its closing boundary.
 */
export class MultipartFraming {
  private readonly delimiter: Buffer;
  private state: State = "preamble";
  /** Bytes seen but not yet decided on (a possible delimiter's start, an unfinished header block). */
  private pending: Buffer = CRLF; // The first delimiter may open the body: it needs no CRLF before it.
  private total = 0;
  /** Bytes of preamble or epilogue so far. */
  private outside = 0;
  private partCount = 0;

  constructor(
    boundary: string,
    private readonly limits: FramingLimits,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, "latin1");
  }

  get parts(): number {
    return this.partCount;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > this.limits.maxBytes)
      throw new ApiError(413, `The request body is larger than ${this.limits.maxBytes} bytes.`);
    let buf = chunk;
    if (this.pending.length > 0) {
      // Between parts' boundaries (most bytes of a body), a chunk is searched on its own unless a
      // delimiter could straddle the seam: no copy of the chunk.
      if ((this.state === "body" || this.state === "preamble") && !this.acrossSeam(chunk))
        this.decide(this.pending.length);
      else buf = Buffer.concat([this.pending, chunk]);
    }
    this.pending = EMPTY;
    let at = 0;
    while (at < buf.length) {
      const next = this.step(buf, at);
      if (next === null) return;
      at = next;
    }
  }

  end(): void {
    if (this.state !== "epilogue") throw malformed("it ends before its closing boundary.");
    if (this.partCount === 0) throw malformed("it has no parts.");
  }

  /** Advances from `at`; returns where to go on, or null when the rest waits for more bytes. */
  private step(buf: Buffer, at: number): number | null {
    switch (this.state) {
      case "preamble":
      case "body": {
        const found = buf.indexOf(this.delimiter, at);
        // Undecided: the last bytes may be the start of a delimiter.
        const decided = found === -1 ? Math.max(at, buf.length - this.delimiter.length + 1) : found;
        this.decide(decided - at);
        if (found === -1) return this.wait(buf, decided);
        this.state = "boundary";
        return found + this.delimiter.length;
      }
      case "boundary": {
        if (buf.length - at < 2) return this.wait(buf, at);
        if (buf[at] === 0x2d && buf[at + 1] === 0x2d) {
          this.state = "epilogue";
          this.outside = 0;
          return at + 2;
        }
        if (buf[at] !== 0x0d || buf[at + 1] !== 0x0a)
          throw malformed("a boundary line goes on after the boundary.");
        // The line's CRLF stays: a delimiter may start with it (busboy then sees a part cut short).
        this.state = "headers";
        this.partCount++;
        return at;
      }
      case "headers": {
        if (buf.length - at < 4) return this.wait(buf, at);
        if (buf[at + 2] === 0x0d && buf[at + 3] === 0x0a) throw malformed("a part has no headers.");
        const end = buf.indexOf(HEADER_END, at + 2);
        // busboy ends a part wherever a delimiter starts, in its headers or in the CRLF that closes
        // them: refuse that here, as busboy would skip the part without a word.
        const searched = end === -1 ? buf.length : end + 2 + this.delimiter.length;
        const cut = buf.subarray(at, searched).indexOf(this.delimiter);
        if (cut !== -1 && (end === -1 || at + cut <= end + 2))
          throw malformed("a part's headers are cut by a boundary.");
        if (end === -1 || end - at - 2 > this.limits.headerBlock) {
          if (buf.length - at - 2 > this.limits.headerBlock)
            throw malformed(`a part's headers are longer than ${this.limits.headerBlock} bytes.`);
          return this.wait(buf, at);
        }
        if (end + 4 + this.delimiter.length - 2 > buf.length && cut === -1) return this.wait(buf, at);
        checkHeaderBlock(buf.toString("latin1", at + 2, end).split("\r\n"));
        this.state = "body";
        return end + HEADER_END.length;
      }
      case "epilogue": {
        this.outside += buf.length - at;
        if (this.outside > this.limits.preamble)
          throw malformed(`more than ${this.limits.preamble} bytes follow its closing boundary.`);
        return null;
      }
    }
  }

  /** Whether a delimiter starting in the pending bytes may end in `chunk` (or after it, if it is short). */
  private acrossSeam(chunk: Buffer): boolean {
    if (chunk.length < this.delimiter.length - 1) return true;
    const seam = Buffer.concat([this.pending, chunk.subarray(0, this.delimiter.length - 1)]);
    return seam.indexOf(this.delimiter) !== -1;
  }

  /** Counts bytes found to be no delimiter: in the preamble, against its limit. */
  private decide(bytes: number): void {
    if (this.state !== "preamble") return;
    this.outside += bytes;
    if (this.outside > this.limits.preamble + CRLF.length)
      throw malformed(`no boundary line within its first ${this.limits.preamble} bytes.`);
  }

  private wait(buf: Buffer, from: number): null {
    this.pending = Buffer.from(buf.subarray(from));
    return null;
  }
}

/** What busboy needs to report a part rather than skip it silently: its first disposition names a form field. */
function checkHeaderBlock(lines: string[]): void {
  if (!lines.every((line) => HEADER_LINE.test(line)))
    throw malformed("a part's headers hold a line that is not a header (or a line break that is not CRLF).");
  const disposition = lines.find((line) => DISPOSITION.test(line));
  if (!disposition || !FORM_DATA_NAME.test(disposition))
    throw malformed('a part has no "Content-Disposition: form-data; name=…" header.');
}
