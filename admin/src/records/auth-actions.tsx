import { useState } from "preact/hooks";
import { describeError } from "../api/client";
import { pb } from "../api/pb";
import type { Collection, RecordModel } from "../api/types";
import { Dialog } from "../ui/dialog";
import { toast } from "../ui/toasts";

/** What a superuser does for an account: mark verified, send a reset email, act as the user. */
export function AuthActions({
  collection,
  record,
  onChanged,
}: {
  collection: Collection;
  record: RecordModel;
  onChanged: () => void;
}) {
  const [impersonation, setImpersonation] = useState<string | null>(null);
  const accounts = pb.collection(collection.name);
  const run = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
      toast(what);
    } catch (err) {
      toast(describeError(err), "error");
    }
  };
  return (
    <section class="auth-actions" aria-labelledby="auth-actions-title">
      <h3 id="auth-actions-title">Account</h3>
      <div class="actions">
        {!record.verified && (
          <button
            type="button"
            class="btn btn-sm"
            onClick={() =>
              run("Marked as verified.", async () => {
                await accounts.update(record.id, { verified: true });
                onChanged();
              })
            }
          >
            Mark verified
          </button>
        )}
        {!record.verified && (
          <button
            type="button"
            class="btn btn-sm"
            onClick={() =>
              run("Verification email sent.", () => accounts.requestVerification(String(record.email)))
            }
          >
            Send verification email
          </button>
        )}
        <button
          type="button"
          class="btn btn-sm"
          onClick={() =>
            run("Password reset email sent.", () => accounts.requestPasswordReset(String(record.email)))
          }
        >
          Send password reset
        </button>
        {collection.name !== "_superusers" && (
          <button
            type="button"
            class="btn btn-sm"
            onClick={async () => {
              try {
                // A client of its own, signed in as the account: its token is what the dialog shows.
                const acting = await accounts.impersonate(record.id, 3600);
                setImpersonation(acting.authStore.token);
              } catch (err) {
                toast(describeError(err), "error");
              }
            }}
          >
            Impersonate
          </button>
        )}
      </div>
      {impersonation && (
        <Dialog title="Impersonation token" onClose={() => setImpersonation(null)}>
          <p>
            A token that acts as <strong>{String(record.email ?? record.id)}</strong> for one hour. Send it as
            the
            <code> Authorization</code> header. It cannot be refreshed.
          </p>
          <label for="impersonation-token">Token</label>
          <textarea
            id="impersonation-token"
            class="mono"
            rows={5}
            readOnly
            value={impersonation}
            data-autofocus
          />
          <button
            type="button"
            class="btn btn-sm"
            onClick={() => navigator.clipboard?.writeText(impersonation).then(() => toast("Copied."))}
          >
            Copy
          </button>
        </Dialog>
      )}
    </section>
  );
}
