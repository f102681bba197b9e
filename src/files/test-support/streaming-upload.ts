import { type StreamBodyOptions, type StreamedBody, streamBody } from "../../test-support/stream-body.js";

export type StreamedUpload = StreamedBody;

export interface StreamUploadOptions
  extends Pick<
    StreamBodyOptions,
    "url" | "declareLength" | "ignoreAnswer" | "abortAfter" | "beforeAbort" | "token"
  > {
  field: string;
  fileBytes: number;
}

/**
 * Sends a multipart body with one file part of `fileBytes` bytes over a plain socket, the bytes
 * made on the fly (never held in memory); see `streamBody`.
 */
export function streamUpload(opts: StreamUploadOptions): Promise<StreamedUpload> {
  const boundary = `----backroom${Date.now()}`;
  const { field, fileBytes, ...rest } = opts;
  return streamBody({
    ...rest,
    contentType: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="big.bin"\r\n` +
        "Content-Type: application/octet-stream\r\n\r\n",
    ),
    fillBytes: fileBytes,
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
  });
}
