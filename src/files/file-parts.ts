import { fileMaxSize } from "../collections/fields/file.js";
import type { Collection, FileField } from "../collections/model.js";
import { type ApiError, badRequest, type IssueMap, issue } from "../errors/api-error.js";
import { fileFields } from "./record-files.js";
import type { UploadedFile } from "./uploaded-file.js";

/** Where one file part goes, decided from its name before any of its bytes are read. */
export interface PartTarget {
  /** The body key the upload goes under (`documents+`): what the write reads it from. */
  key: string;
  /** The file field the part is for (the key without its `+` modifier). */
  fieldName: string;
  /** Bytes accepted before the part, and the request with it, are refused. */
  maxSize: number;
  /** Puts an error about this part where the client looks for it (a batch: under its sub-request). */
  refuse(data: IssueMap): ApiError;
}

/** Which file parts a request may carry; `target` throws a 400 for a part it refuses. */
export interface FilePartPolicy {
  /** The largest `maxSize` any target gets (the multipart parser's own cap sits just above it). */
  readonly largest: number;
  /** Bytes the accepted files may add to a request, beyond the body limit of its other parts. */
  readonly allowance: number;
  target(partName: string, received: readonly UploadedFile[]): PartTarget;
}

/** `documents`, `documents+` and `+documents` all upload to the field `documents`. */
export function fileFieldName(partName: string): string {
  return partName.replace(/^\+|\+$/, "");
}

const uploadFailed = (data: IssueMap) => badRequest("Failed to upload the file.", data);

/**
 * A records create/update body: parts named after a file field of the collection, no more per
 * field than its maxSelect, each within the field's maxSize.
 */
export function collectionFileParts(collection: Collection): FilePartPolicy | null {
  const fields = new Map(fileFields(collection).map((f) => [f.name, f]));
  if (fields.size === 0) return null;
  return {
    largest: Math.max(...[...fields.values()].map(fileMaxSize)),
    allowance: [...fields.values()].reduce((sum, f) => sum + fileMaxSize(f) * f.maxSelect, 0),
    target(partName, received) {
      const field = fields.get(fileFieldName(partName));
      if (!field) throw badRequest(`"${partName.slice(0, 100)}" is not a file field of this collection.`);
      const count = received.filter((u) => fileFieldName(u.partName) === field.name).length;
      if (count >= field.maxSelect) throw uploadFailed({ [field.name]: tooManyFiles(field.maxSelect) });
      return { key: partName, fieldName: field.name, maxSize: fileMaxSize(field), refuse: uploadFailed };
    },
  };
}

const BATCH_PART = /^requests\.(\d{1,6})\.([^.]+)$/;

/** `requests.2.documents+` → sub-request 2, body key `documents+`; null for any other name. */
export function batchFilePart(partName: string): { index: number; key: string } | null {
  const m = BATCH_PART.exec(partName);
  return m ? { index: Number(m[1]), key: m[2] as string } : null;
}

export interface BatchLimits {
  maxRequests: number;
  maxFiles: number;
  /** The batch's error for a failed sub-request (its own error goes inside). */
  requestError(index: number, failure: ApiError): ApiError;
}

/**
 * A batch body, as the SDK sends it: file parts named `requests.N.field` come before the
 * `@jsonPayload` that says which collection request N writes to. So a part is streamed with the
 * largest limit any file field has, and checked against its own field when its sub-request runs
 * (apply-file-input); what is refused up front is a malformed name, a request index past the
 * batch's maximum, and more files than a batch may carry.
 */
export function batchFileParts(
  collections: readonly Collection[],
  limits: BatchLimits,
): FilePartPolicy | null {
  const all: FileField[] = collections.filter((c) => c.type !== "view").flatMap(fileFields);
  if (all.length === 0) return null;
  const largest = Math.max(...all.map(fileMaxSize));
  return {
    largest,
    allowance: largest * limits.maxFiles,
    target(partName, received) {
      const part = batchFilePart(partName);
      if (!part || part.index >= limits.maxRequests) {
        throw badRequest("Failed to process the batch.", {
          requests: issue(
            "validation_invalid_file_part",
            `"${partName.slice(0, 100)}" does not name a request of the batch (requests.<index>.<field>).`,
          ),
        });
      }
      if (received.length >= limits.maxFiles) {
        throw badRequest("Failed to process the batch.", {
          requests: issue(
            "validation_too_many_files",
            `A batch may carry at most ${limits.maxFiles} files.`,
            {
              maxFiles: limits.maxFiles,
            },
          ),
        });
      }
      return {
        key: part.key,
        fieldName: fileFieldName(part.key),
        maxSize: largest,
        refuse: (data) => limits.requestError(part.index, uploadFailed(data)),
      };
    },
  };
}

function tooManyFiles(maxSelect: number) {
  return issue("validation_too_many_files", `The maximum allowed files is ${maxSelect}.`, { maxSelect });
}
