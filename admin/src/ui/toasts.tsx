import { useEffect, useState } from "preact/hooks";
import { describeError } from "../api/client";

interface Toast {
  id: number;
  kind: "success" | "error";
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<(list: Toast[]) => void>();
const publish = () => {
  for (const l of listeners) l(toasts);
};

/** Shows a short message in the corner (announced to screen readers) for a few seconds. */
export function toast(text: string, kind: Toast["kind"] = "success"): void {
  const id = nextId++;
  // The newest few only: a burst of actions should not bury the screen.
  toasts = [...toasts, { id, kind, text }].slice(-3);
  publish();
  setTimeout(
    () => {
      toasts = toasts.filter((t) => t.id !== id);
      publish();
    },
    kind === "error" ? 6000 : 3000,
  );
}

/** Runs an action: on success toasts `done` (when given) and calls `after`; on failure toasts the error. */
export async function toastAction(task: () => Promise<unknown>, done?: string, after?: () => void) {
  try {
    await task();
    if (done) toast(done);
    after?.();
  } catch (err) {
    toast(describeError(err), "error");
  }
}

export function ToastRegion() {
  const [list, setList] = useState(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => {
      listeners.delete(setList);
    };
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
