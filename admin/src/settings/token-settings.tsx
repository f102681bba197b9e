import { useState } from "preact/hooks";
import { type ApiError, toApiError } from "../api/client";
import { reloadCollections, useCollections } from "../api/collections-store";
import { pb } from "../api/pb";
import type { Collection } from "../api/types";
import { describedBy, FormField } from "../ui/form-field";
import { toast } from "../ui/toasts";

/** Sign-in token lifetimes: an option of each auth collection (as in PocketBase), edited together here. */
export function TokenSettings() {
  const collections = useCollections();
  const auth = (collections ?? []).filter((c) => c.type === "auth");
  return (
    <div class="stack narrow">
      <p class="muted small">How long a sign-in token of each auth collection stays valid, in seconds.</p>
      {auth.map((c) => (
        <TokenDuration key={c.id} collection={c} />
      ))}
    </div>
  );
}

function TokenDuration({ collection }: { collection: Collection }) {
  const [duration, setDuration] = useState(collection.authToken?.duration ?? 604800);
  const [error, setError] = useState<ApiError | null>(null);
  const id = `token-duration-${collection.name}`;
  const message = error ? (error.fieldMessage("authToken", "duration") ?? error.message) : undefined;
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await pb.collections.update(collection.id, {
        authToken: { ...(collection.authToken ?? {}), duration },
      });
      await reloadCollections();
      toast(`Token duration of ${collection.name} saved.`);
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <form class="row align-end" noValidate onSubmit={save}>
      <FormField id={id} label={collection.name} error={message} class="grow">
        <input
          id={id}
          type="number"
          min={1}
          value={duration}
          onInput={(e) => setDuration(Number(e.currentTarget.value))}
          {...describedBy(id, message)}
        />
      </FormField>
      <button type="submit" class="btn">
        Save<span class="sr-only"> {collection.name} token duration</span>
      </button>
    </form>
  );
}
