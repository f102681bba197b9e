import type { ComponentChildren } from "preact";
import { useId, useLayoutEffect, useRef } from "preact/hooks";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  /** "drawer" slides in from the right (editors); "modal" is centred (confirmations, pickers). */
  variant?: "modal" | "drawer";
  wide?: boolean;
}

/** Open dialogs, innermost last: only the innermost one answers Escape and holds the focus. */
const openDialogs: HTMLElement[] = [];

/**
 * A modal dialog: focus moves in and is kept inside (Tab cycles, focus that escapes is brought
 * back), Escape or the backdrop closes it, and focus returns to whatever opened it. Escape is
 * heard on the document, so it works even when the focused element was removed from the page.
 */
export function Dialog({ title, onClose, children, footer, variant = "modal", wide }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;

  // A layout effect, not an effect: focus and the Escape handler must be in place before the
  // dialog is painted, or keys typed right after it appears land in the page behind.
  useLayoutEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const el = panel.current;
    if (!el) return;
    openDialogs.push(el);
    const isInnermost = () => openDialogs[openDialogs.length - 1] === el;
    const focusFirst = () => {
      // The marked control, else the first editable one of the body (not a read-only id, not the
      // header's close button).
      const first =
        el.querySelector<HTMLElement>("[data-autofocus]") ??
        el.querySelector<HTMLElement>(`.dialog-body :is(${FOCUSABLE}):not([readonly])`) ??
        el.querySelector<HTMLElement>(`.dialog-body :is(${FOCUSABLE})`) ??
        el.querySelector<HTMLElement>(FOCUSABLE);
      (first ?? el).focus();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && isInnermost() && !event.defaultPrevented) {
        event.preventDefault();
        close.current();
      }
    };
    const onFocusIn = (event: FocusEvent) => {
      if (isInnermost() && !el.contains(event.target as Node)) focusFirst();
    };
    focusFirst();
    document.addEventListener("keydown", onKey);
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("focusin", onFocusIn);
      openDialogs.splice(openDialogs.indexOf(el), 1);
      if (opener && document.contains(opener)) opener.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Tab" || !panel.current) return;
    const items = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (e) => e.offsetParent !== null || e === document.activeElement,
    );
    if (items.length === 0) return;
    const first = items[0] as HTMLElement;
    const last = items[items.length - 1] as HTMLElement;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div class={`overlay overlay-${variant}`}>
      <div class="backdrop" onClick={() => close.current()} aria-hidden="true" />
      <div
        ref={panel}
        class={`dialog dialog-${variant}${wide ? " dialog-wide" : ""}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <header class="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            class="btn btn-ghost btn-icon"
            onClick={() => close.current()}
            aria-label="Close"
          >
            ×
          </button>
        </header>
        <div class="dialog-body">{children}</div>
        {footer && <footer class="dialog-footer">{footer}</footer>}
      </div>
    </div>
  );
}

interface ConfirmProps {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A yes/no question; the safe answer has the focus. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: ConfirmProps) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      footer={
        <>
          <button type="button" class="btn" onClick={onCancel} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            class={`btn ${danger ? "btn-danger" : "btn-primary"}`}
            onClick={onConfirm}
            disabled={busy}
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <p>{message}</p>
    </Dialog>
  );
}
