/**
 * One event as it goes out on one topic: the topic string and the event's JSON data, with each
 * transport's framing built once, on first use, and then shared by every subscriber that gets the
 * same bytes (SSE adds only its per-client `id:` line in front).
 */
export class EventFrame {
  private sseText: string | undefined;
  private sseLength: number | undefined;
  private wsText: string | undefined;

  constructor(
    readonly topic: string,
    readonly data: string,
  ) {}

  /** `event:<topic>\ndata:<json>\n\n` (the SSE transport writes its `id:` line before it). */
  get sse(): string {
    this.sseText ??= `event:${this.topic}\ndata:${this.data}\n\n`;
    return this.sseText;
  }

  /** The UTF-8 length of `sse`, which chunked HTTP framing needs. */
  get sseBytes(): number {
    this.sseLength ??= Buffer.byteLength(this.sse);
    return this.sseLength;
  }

  /** `{"type":"event","topic":…,"data":…}`, with the JSON data spliced in rather than re-serialized. */
  get ws(): string {
    this.wsText ??= `{"type":"event","topic":${JSON.stringify(this.topic)},"data":${this.data}}`;
    return this.wsText;
  }
}
