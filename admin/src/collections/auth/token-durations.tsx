import type { Collection } from "../../api/types";
import { describedBy, FormField } from "../../ui/form-field";
import { type AuthSectionProps, wholeNumber } from "./auth-draft";

type TokenKind = "authToken" | "verificationToken" | "passwordResetToken" | "emailChangeToken" | "fileToken";

/** Each token kind, what it is for, and PocketBase's default lifetime (what the server assumes). */
const KINDS: { key: TokenKind; label: string; hint: string; fallback: number }[] = [
  {
    key: "authToken",
    label: "Sign-in (auth) token",
    hint: "How long a sign-in lasts; authRefresh renews it.",
    fallback: 432_000,
  },
  { key: "verificationToken", label: "Email verification link", hint: "", fallback: 86_400 },
  { key: "passwordResetToken", label: "Password reset link", hint: "", fallback: 1_800 },
  { key: "emailChangeToken", label: "Email change link", hint: "", fallback: 1_800 },
  {
    key: "fileToken",
    label: "Protected file token",
    hint: "For protected files (pb.files.getToken).",
    fallback: 180,
  },
];

/**
 * How long each kind of token of the collection stays valid, in seconds. (Each kind has its own
 * signing secret, which never leaves the server.)
 */
export function TokenDurations({ draft, set, error }: AuthSectionProps) {
  return (
    <section class="card stack" aria-labelledby="tokens-heading">
      <h2 class="h3" id="tokens-heading">
        Token durations (seconds)
      </h2>
      <div class="options-grid">
        {KINDS.map(({ key, label, hint, fallback }) => {
          const id = `token-${key}`;
          const message = error?.fieldMessage(key, "duration");
          const current = (draft[key] as Collection[TokenKind]) ?? { duration: fallback };
          return (
            <FormField key={key} id={id} label={label} error={message} hint={hint || undefined}>
              <input
                id={id}
                type="number"
                min={1}
                step={1}
                value={current.duration}
                onInput={(e) =>
                  set({
                    [key]: { ...current, duration: wholeNumber(e.currentTarget.value) },
                  } as Partial<Collection>)
                }
                {...describedBy(id, message, Boolean(hint))}
              />
            </FormField>
          );
        })}
      </div>
    </section>
  );
}
