import { useEffect, useRef, useState } from "preact/hooks";
import type { Field } from "../api/types";

interface ColumnPickerProps {
  /** The columns that can be hidden (not the id: it opens the record). */
  fields: Field[];
  hidden: Set<string>;
  onChange: (hidden: Set<string>) => void;
}

/** A "Columns" button that opens a list of checkboxes, one per column; Escape or a click outside closes it. */
export function ColumnPicker({ fields, hidden, onChange }: ColumnPickerProps) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const outside = (event: MouseEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        box.current?.querySelector("button")?.focus();
      }
    };
    document.addEventListener("mousedown", outside);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", outside);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  const shown = fields.filter((f) => !hidden.has(f.name)).length;
  const toggle = (name: string) => {
    const next = new Set(hidden);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    onChange(next);
  };
  return (
    <div class="column-picker" ref={box}>
      <button
        type="button"
        class="btn"
        aria-expanded={open}
        aria-controls="column-picker-list"
        onClick={() => setOpen(!open)}
      >
        Columns ({shown}/{fields.length})
      </button>
      <fieldset id="column-picker-list" class="column-picker-list" hidden={!open}>
        <legend class="sr-only">Columns shown</legend>
        {fields.map((f) => (
          <div class="checkbox-field" key={f.name}>
            <input
              id={`column-${f.name}`}
              type="checkbox"
              checked={!hidden.has(f.name)}
              onChange={() => toggle(f.name)}
            />
            <label for={`column-${f.name}`}>{f.name}</label>
          </div>
        ))}
      </fieldset>
    </div>
  );
}
