import type { Readable } from "node:stream";
import { fileMaxSize } from "../collections/fields/file.js";
import type { Collection, FileField } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { badRequest, issue } from "../errors/api-error.js";
import { randomId } from "../ids.js";
import { storedFilename } from "./file-names.js";
import { SNIFF_BYTES, sniffContentType } from "./sniff.js";
import { type FileStorage, TEMP_PREFIX } from "./storage.js";
import { limitBytes, StreamLimitError, splitHead } from "./stream-head.js";
import { UploadedFile } from "./uploaded-file.js";

/** `documents`, `documents+` and `+documents` all upload to the field `documents`. */
export function fileFieldName(partName: string): string {
  return partName.replace(/^\+|\+$/, "");
}

/**
 * Receives file parts of a records create/update body: finds the file field a part is for, and
 * streams it to a temp key in the storage, sniffing its type and stopping at the field's size limit.
 */
export class UploadReceiver {
  constructor(
    private readonly storage: FileStorage,
    private readonly registry: CollectionRegistry,
  ) {}

  /** The collection's file fields by name, or null when the collection has none. */
  fileFields(collectionIdOrName: string): Map<string, FileField> | null {
    const collection: Collection | undefined = this.registry.get(collectionIdOrName);
    if (!collection || collection.type === "view") return null;
    const fields = new Map<string, FileField>();
    for (const f of collection.fields) if (f.type === "file") fields.set(f.name, f);
    return fields.size > 0 ? fields : null;
  }

  async receive(
    field: FileField,
    partName: string,
    clientName: string,
    source: Readable,
  ): Promise<UploadedFile> {
    const limit = fileMaxSize(field);
    const counted = limitBytes(source, limit);
    const tempKey = `${TEMP_PREFIX}${randomId(24)}`;
    try {
      const { head, stream } = await splitHead(counted.stream, SNIFF_BYTES);
      const contentType = await sniffContentType(head);
      await this.storage.write(tempKey, stream, contentType);
      return new UploadedFile(this.storage, {
        partName,
        name: storedFilename(clientName),
        tempKey,
        size: counted.bytes(),
        contentType,
      });
    } catch (err) {
      if (err instanceof StreamLimitError) {
        throw badRequest("Failed to upload the file.", {
          [field.name]: issue(
            "validation_file_size_limit",
            `The file must not be larger than ${limit} bytes.`,
            { maxSize: limit },
          ),
        });
      }
      throw err;
    }
  }
}
