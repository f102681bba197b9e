import { useState } from "preact/hooks";
import { type ApiError, toApiError } from "../api/client";

/**
 * A form's submit handler around an API call: `busy` while it runs, and the ApiError it
 * ended with (cleared on the next try) in `error`.
 */
export function useApiSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}
