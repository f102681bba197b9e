import type { Collection, Field, RecordModel } from "../api/types";
import { useFileToken } from "./file-token";

const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg)$/i;

/** A stored file: a thumbnail for images (protected ones with a short-lived file token), else its name. */
export function FileThumb({
  collection,
  record,
  field,
  name,
  size,
}: {
  collection: Collection;
  record: RecordModel;
  field: Field;
  name: string;
  size: "small" | "large";
}) {
  const token = useFileToken(Boolean(field.protected));
  const base = `/api/files/${encodeURIComponent(collection.name)}/${encodeURIComponent(record.id)}/${encodeURIComponent(name)}`;
  const query = new URLSearchParams();
  if (field.protected) {
    if (!token) return <span class="file-chip">{name}</span>;
    query.set("token", token);
  }
  const url = `${base}${query.size ? `?${query}` : ""}`;
  if (!IMAGE.test(name)) {
    return (
      <a class="file-chip" href={url} target="_blank" rel="noreferrer">
        {name}
      </a>
    );
  }
  const thumb = new URLSearchParams(query);
  if (!name.endsWith(".svg")) thumb.set("thumb", size === "small" ? "100x100" : "0x300");
  return (
    <a class={`file-thumb file-thumb-${size}`} href={url} target="_blank" rel="noreferrer" title={name}>
      <img src={`${base}?${thumb}`} alt={name} loading="lazy" />
    </a>
  );
}
