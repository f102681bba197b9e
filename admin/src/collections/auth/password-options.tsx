import { fieldTypeOf } from "../../fields/registry";
import { CheckboxField } from "../../ui/form-field";
import { AUTH_DEFAULTS, type AuthSectionProps } from "./auth-draft";

/** Sign-in with a password, and which fields identify the account (email, a username…). */
export function PasswordOptions({ draft, set, error }: AuthSectionProps) {
  const passwordAuth = { ...AUTH_DEFAULTS.passwordAuth, ...(draft.passwordAuth ?? {}) };
  const identities = passwordAuth.identityFields;
  // Fields of a type a person types to name an account (text, email); the server also wants a
  // unique index on each.
  const candidates = draft.fields.filter((f) => fieldTypeOf(f).namesRecords && f.name !== "id");
  const message =
    error?.fieldMessage("passwordAuth", "identityFields") ?? error?.fieldMessage("passwordAuth");
  const toggle = (name: string, on: boolean) =>
    set({
      passwordAuth: {
        ...passwordAuth,
        identityFields: on ? [...identities, name] : identities.filter((n) => n !== name),
      },
    });
  return (
    <section class="card stack" aria-labelledby="password-heading">
      <h2 class="h3" id="password-heading">
        Password
      </h2>
      <CheckboxField
        id="auth-password-enabled"
        label="Allow sign-in with password"
        checked={passwordAuth.enabled}
        onChange={(enabled) => set({ passwordAuth: { ...passwordAuth, enabled } })}
      />
      <fieldset class="stack-tight" aria-describedby="identity-fields-hint">
        <legend>Identity fields</legend>
        <p class="hint" id="identity-fields-hint">
          What a person types as “identity” with the password. Each needs a unique index (Indexes tab).
        </p>
        {candidates.map((f) => (
          <CheckboxField
            key={f.name}
            id={`identity-${f.name}`}
            label={f.name}
            checked={identities.includes(f.name)}
            onChange={(on) => toggle(f.name, on)}
          />
        ))}
        {message && (
          <p class="field-error" role="alert">
            {message}
          </p>
        )}
      </fieldset>
    </section>
  );
}
