import { pb } from "../../api/pb";
import type { Field, RecordModel } from "../../api/types";
import { useFileToken } from "./token";

const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg)$/i;

/** A stored file: a thumbnail for images (protected ones with a short-lived file token), else its name. */
export function FileThumb({
  record,
  field,
  name,
  size,
}: {
  record: RecordModel;
  field: Field;
  name: string;
  size: "small" | "large";
}) {
  const token = useFileToken(Boolean(field.protected));
  if (field.protected && !token) return <span class="file-chip">{name}</span>;
  const query = field.protected ? { token } : {};
  const url = pb.files.getURL(record, name, query);
  if (!IMAGE.test(name)) {
    return (
      <a class="file-chip" href={url} target="_blank" rel="noreferrer">
        {name}
      </a>
    );
  }
  const thumb = name.endsWith(".svg")
    ? url
    : pb.files.getURL(record, name, { ...query, thumb: size === "small" ? "100x100" : "0x300" });
  return (
    <a class={`file-thumb file-thumb-${size}`} href={url} target="_blank" rel="noreferrer" title={name}>
      <img src={thumb} alt={name} loading="lazy" />
    </a>
  );
}
