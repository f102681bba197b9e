import type { Readable } from "node:stream";
import type { CollectionRegistry } from "../collections/registry.js";
import { issue } from "../errors/api-error.js";
import { randomId } from "../ids.js";
import { storedFilename } from "./file-names.js";
import {
  type BatchLimits,
  batchFileParts,
  collectionFileParts,
  type FilePartPolicy,
  type PartTarget,
} from "./file-parts.js";
import { SNIFF_BYTES, sniffContentType } from "./sniff.js";
import { type FileStorage, TEMP_PREFIX } from "./storage.js";
import { limitBytes, StreamLimitError, splitHead } from "./stream-head.js";
import { UploadedFile } from "./uploaded-file.js";

/**
 * Receives the file parts of a multipart body: says which parts a request may carry, and streams
 * each to a temp key in the storage, sniffing its type and stopping at its size limit.
 */
export class UploadReceiver {
  constructor(
    private readonly storage: FileStorage,
    private readonly registry: CollectionRegistry,
  ) {}

  /** The parts a records create/update body may carry; null when the collection has no file fields. */
  forCollection(collectionIdOrName: string): FilePartPolicy | null {
    const collection = this.registry.get(collectionIdOrName);
    return collection && collection.type !== "view" ? collectionFileParts(collection) : null;
  }

  /** The parts a batch body may carry (for any collection's file fields); null when there are none. */
  forBatch(limits: BatchLimits): FilePartPolicy | null {
    return batchFileParts(this.registry.all(), limits);
  }

  /**
   * Streams a part to a temp key. `onTooLarge` is told the moment the part goes past its limit, so
   * the caller can stop reading the request before the refusal has cleaned up the partial write.
   */
  async receive(
    target: PartTarget,
    clientName: string,
    source: Readable,
    onTooLarge?: () => void,
  ): Promise<UploadedFile> {
    const counted = limitBytes(source, target.maxSize, onTooLarge);
    const tempKey = `${TEMP_PREFIX}${randomId(24)}`;
    try {
      const { head, stream } = await splitHead(counted.stream, SNIFF_BYTES);
      const contentType = await sniffContentType(head);
      // One concrete storage for the temp write, the move into place and any clean-up.
      const storage = await this.storage.resolve();
      await storage.write(tempKey, stream, contentType);
      return new UploadedFile(storage, {
        partName: target.key,
        name: storedFilename(clientName),
        tempKey,
        size: counted.bytes(),
        contentType,
      });
    } catch (err) {
      if (err instanceof StreamLimitError) {
        throw target.refuse({
          [target.fieldName]: issue(
            "validation_file_size_limit",
            `The file must not be larger than ${target.maxSize} bytes.`,
            { maxSize: target.maxSize },
          ),
        });
      }
      throw err;
    }
  }
}
