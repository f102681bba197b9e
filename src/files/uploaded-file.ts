import { type FileStorage, fileKey } from "./storage.js";

export interface UploadedFileInit {
  /** The body key the file was sent under, with its modifier (`documents+`). */
  partName: string;
  /** The stored filename (`name_abc123defg.png`). */
  name: string;
  tempKey: string;
  size: number;
  /** Sniffed from the bytes. */
  contentType: string;
}

/**
 * A file received in a multipart body, waiting under a temp key until the write that uses it
 * places it under its record (inside the transaction, so a committed record never points at a
 * missing file). Whatever is not placed is discarded when the request ends.
 */
export class UploadedFile {
  readonly partName: string;
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
  private key: string;
  private placed = false;

  constructor(
    private readonly storage: FileStorage,
    init: UploadedFileInit,
  ) {
    this.partName = init.partName;
    this.name = init.name;
    this.size = init.size;
    this.contentType = init.contentType;
    this.key = init.tempKey;
  }

  get isPlaced(): boolean {
    return this.placed;
  }

  async place(collectionId: string, recordId: string): Promise<void> {
    if (this.placed) return;
    const target = fileKey(collectionId, recordId, this.name);
    await this.storage.move(this.key, target);
    this.key = target;
    this.placed = true;
  }

  /** Removes a file no write placed (the request ended without using it). */
  async discardPending(): Promise<void> {
    if (!this.placed) await this.storage.delete(this.key);
  }

  /** Removes the file wherever it is (temp or placed): the write that used it did not commit. */
  async discard(): Promise<void> {
    await this.storage.delete(this.key);
  }

  /** Rules and logs that see the request body see the stored name. */
  toJSON(): string {
    return this.name;
  }
}
