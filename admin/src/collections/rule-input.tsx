import { useEffect, useRef, useState } from "preact/hooks";
import { checkRule } from "../api/backroom";
import { toApiError } from "../api/client";
import { CheckboxField } from "../ui/form-field";
import { suggest, wordAt } from "./rule-completion";

interface RuleInputProps {
  id: string;
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  /** Words to complete (fields, @request.*, macros). */
  vocabulary: string[];
  /** The collection as the editor would save it, for the live check. */
  draft: () => Record<string, unknown>;
  /** The API's message from the last save attempt. */
  saveError: string | undefined;
  /** Whether the rule can be locked to superusers (null); default true. */
  nullable?: boolean;
  /** What an empty rule means, shown under it; default: anyone may. */
  emptyMeaning?: string;
}

type Check = { state: "idle" | "checking" | "ok" } | { state: "error"; message: string };

/**
 * One API rule: locked (superusers only) or a filter expression, with completion of field names
 * and `@request.*` (arrows, Enter/Tab to accept, Escape to close) and a syntax check against the
 * server's rule compiler while typing. A multi-line editor: real rules grow long, and line breaks
 * are whitespace to the filter language. (A textarea, so no combobox role: ARIA gives a textbox
 * `aria-autocomplete` and `aria-activedescendant`, not `aria-expanded`.)
 */
export function RuleInput({
  id,
  label,
  value,
  onChange,
  vocabulary,
  draft,
  saveError,
  nullable = true,
  emptyMeaning = "Anyone may do this (no rule).",
}: RuleInputProps) {
  const input = useRef<HTMLTextAreaElement>(null);
  const [options, setOptions] = useState<string[]>([]);
  const [active, setActive] = useState(0);
  const [check, setCheck] = useState<Check>({ state: "idle" });
  const listId = `${id}-options`;
  const locked = value === null;

  useEffect(() => {
    if (value === null || value.trim() === "") {
      setCheck({ state: "idle" });
      return;
    }
    setCheck({ state: "checking" });
    const timer = setTimeout(async () => {
      try {
        await checkRule(draft(), value);
        setCheck({ state: "ok" });
      } catch (err) {
        const apiError = toApiError(err);
        const message = apiError.fieldMessage("rule") ?? apiError.message;
        setCheck({ state: "error", message });
      }
    }, 350);
    return () => clearTimeout(timer);
    // The draft is read when the timer fires; re-checking on every draft keystroke would be noise.
  }, [value]);

  const refreshOptions = (text: string, caret: number) => {
    const next = suggest(vocabulary, wordAt(text, caret).word);
    setOptions(next);
    setActive(0);
  };

  const accept = (word: string) => {
    const el = input.current;
    if (!el || value === null) return;
    const caret = el.selectionStart ?? value.length;
    const { start } = wordAt(value, caret);
    const next = value.slice(0, start) + word + value.slice(caret);
    // Written to the input at once (not only on the next render), so keys typed right after land after the word.
    el.value = next;
    const position = start + word.length;
    el.setSelectionRange(position, position);
    onChange(next);
    setOptions([]);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (options.length === 0) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((active + 1) % options.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((active - 1 + options.length) % options.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      accept(options[active] as string);
    } else if (event.key === "Escape") {
      // Handled: an enclosing dialog must not close as well.
      event.preventDefault();
      event.stopPropagation();
      setOptions([]);
    }
  };

  const message = saveError ?? (check.state === "error" ? check.message : undefined);
  const expanded = options.length > 0;
  return (
    <div class={`form-field rule-field${message ? " has-error" : ""}`}>
      <div class="rule-head">
        {locked ? <span class="label">{label}</span> : <label for={id}>{label}</label>}
        {nullable && (
          <CheckboxField
            id={`${id}-locked`}
            label="Superusers only"
            checked={locked}
            onChange={(v) => onChange(v ? null : "")}
          />
        )}
      </div>
      {locked ? (
        <p class="muted small rule-locked">
          Only superusers may do this. Clear “Superusers only” to write a rule; an empty rule lets anyone.
        </p>
      ) : (
        <div class="combo">
          <textarea
            ref={input}
            id={id}
            class="mono rule-text"
            rows={Math.min(8, Math.max(2, (value ?? "").split("\n").length + 1))}
            aria-autocomplete="list"
            aria-controls={listId}
            aria-activedescendant={expanded ? `${listId}-${active}` : undefined}
            aria-invalid={message ? true : undefined}
            aria-describedby={`${id}-status`}
            autoComplete="off"
            spellcheck={false}
            placeholder="Empty: anyone. e.g. @request.auth.id != &quot;&quot;"
            value={value}
            onInput={(e) => {
              const el = e.currentTarget;
              onChange(el.value);
              refreshOptions(el.value, el.selectionStart ?? el.value.length);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => setTimeout(() => setOptions([]), 150)}
          />
          <div
            id={listId}
            role="listbox"
            class="combo-list"
            aria-label={`Suggestions for ${label}`}
            hidden={!expanded}
          >
            {options.map((o, i) => (
              <div
                key={o}
                id={`${listId}-${i}`}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                class={i === active ? "active" : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  accept(o);
                }}
              >
                {o}
              </div>
            ))}
          </div>
        </div>
      )}
      <p id={`${id}-status`} class={message ? "field-error" : "hint rule-status"} aria-live="polite">
        {locked
          ? ""
          : message
            ? message
            : check.state === "ok"
              ? "✓ Valid rule"
              : check.state === "checking"
                ? "Checking…"
                : value === ""
                  ? emptyMeaning
                  : ""}
      </p>
    </div>
  );
}
