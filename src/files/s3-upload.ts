import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";

/** S3's smallest part (except the last); parts are buffered, so this bounds memory per upload. */
const PART_SIZE = 8 * 1024 * 1024;

interface Target {
  client: S3Client;
  bucket: string;
  key: string;
  contentType: string;
}

/**
 * Streams a body of unknown length to S3 holding at most one part in memory: a small body is one
 * PutObject, a larger one a multipart upload (aborted on failure, so nothing is left behind).
 */
export async function uploadStream(target: Target, body: Readable): Promise<void> {
  const { client, bucket, key, contentType } = target;
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let uploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];

  const flushPart = async () => {
    uploadId ??= (
      await client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
      )
    ).UploadId;
    const PartNumber = parts.length + 1;
    const chunk = Buffer.concat(buffered);
    buffered = [];
    bufferedBytes = 0;
    const { ETag } = await client.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: chunk }),
    );
    parts.push({ ETag: ETag ?? "", PartNumber });
  };

  try {
    for await (const chunk of body) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      buffered.push(bytes);
      bufferedBytes += bytes.length;
      if (bufferedBytes >= PART_SIZE) await flushPart();
    }
    if (uploadId === undefined) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: Buffer.concat(buffered),
          ContentType: contentType,
        }),
      );
      return;
    }
    if (bufferedBytes > 0) await flushPart();
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (err) {
    if (uploadId !== undefined) {
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => {});
    }
    throw err;
  }
}
