import { useState } from "preact/hooks";
import { ApiError, api } from "../api/client";
import { type Superuser, session } from "../api/session";
import { navigate } from "../router";
import { describedBy, FormField } from "../ui/form-field";
import { AuthCard } from "./auth-card";

/** First run: the link printed by the server carries a one-time token; this creates the first superuser. */
export function SetupScreen({ token }: { token: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [passwordConfirm, setPasswordConfirm] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ token: string; record: Superuser }>("POST", "/api/admin/setup", {
        body: { token, email, password, passwordConfirm },
      });
      session.signIn(res.token, res.record);
      navigate("/");
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) => error?.fieldMessage(name);
  const general = error && !["email", "password", "passwordConfirm"].some((k) => fieldError(k));
  return (
    <AuthCard
      title="Create your first superuser"
      intro="This account manages collections, records and settings."
    >
      <form onSubmit={submit} class="stack" noValidate>
        {general && (
          <p class="form-error" role="alert">
            {error.message}
          </p>
        )}
        <FormField id="setup-email" label="Email" error={fieldError("email")}>
          <input
            id="setup-email"
            type="email"
            autoComplete="username"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            {...describedBy("setup-email", fieldError("email"))}
          />
        </FormField>
        <FormField
          id="setup-password"
          label="Password"
          error={fieldError("password")}
          hint="At least 8 characters."
        >
          <input
            id="setup-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            {...describedBy("setup-password", fieldError("password"), true)}
          />
        </FormField>
        <FormField id="setup-password-confirm" label="Confirm password" error={fieldError("passwordConfirm")}>
          <input
            id="setup-password-confirm"
            type="password"
            autoComplete="new-password"
            value={passwordConfirm}
            onInput={(e) => setPasswordConfirm(e.currentTarget.value)}
            {...describedBy("setup-password-confirm", fieldError("passwordConfirm"))}
          />
        </FormField>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Creating…" : "Create superuser and sign in"}
        </button>
      </form>
      <p class="muted small auth-alt">
        Already set up? <a href="#/">Sign in</a>
      </p>
    </AuthCard>
  );
}
