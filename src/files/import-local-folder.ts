import { existsSync, writeFileSync } from "node:fs";
import { LocalStorage } from "./local-storage.js";
import { type FileStorage, TEMP_PREFIX } from "./storage.js";

/** The note left beside a folder once its files are in the database (its presence skips the copy). */
export const copiedMarker = (dir: string) => `${dir}-copied-to-database.txt`;

/**
 * Copies the files of a local storage folder (where a PostgreSQL node kept them before files moved
 * into the database by default) into `target`, once: objects already there are skipped, uploads
 * that were in flight (`.tmp/`) are left, and a note beside the folder records that it was done.
 * The folder itself is left as it was; it can be removed once the copy is checked. Resolves with
 * how many files were copied.
 */
export async function importLocalFolder(dir: string, target: FileStorage): Promise<number> {
  const marker = copiedMarker(dir);
  if (!existsSync(dir) || existsSync(marker)) return 0;
  const local = new LocalStorage(dir);
  let copied = 0;
  for await (const object of local.list()) {
    if (object.key.startsWith(TEMP_PREFIX) || (await target.stat(object.key))) continue;
    // No type: it is sniffed from the bytes when served, as it was from the folder.
    await target.write(object.key, await local.read(object.key), "");
    copied++;
  }
  writeFileSync(
    marker,
    `The files of ${dir} were copied into the PostgreSQL database on ${new Date().toISOString()} ` +
      `(${copied} copied, the others were there already).\nBackroom now reads them from the database; ` +
      "this folder can be removed once you have checked them. Start with --files-dir to keep files in a folder instead.\n",
  );
  return copied;
}
