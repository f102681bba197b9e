import type { UploadedFile } from "./uploaded-file.js";

/** Moves a write's uploads under their record; runs inside the write's transaction, last. */
export async function placeUploads(uploads: UploadedFile[], collectionId: string, recordId: string) {
  for (const upload of uploads) await upload.place(collectionId, recordId);
}

/** Removes a failed write's uploads, placed or not (best effort: the sweep catches the rest). */
export async function discardUploads(uploads: UploadedFile[]): Promise<void> {
  await Promise.all(uploads.map((u) => u.discard().catch(() => {})));
}
