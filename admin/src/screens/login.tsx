import { useState } from "preact/hooks";
import { ApiError, api } from "../api/client";
import { type Superuser, session } from "../api/session";
import { describedBy, FormField } from "../ui/form-field";
import { AuthCard } from "./auth-card";

interface AuthAnswer {
  token: string;
  record: Superuser;
}

export function LoginScreen() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<AuthAnswer>("POST", "/api/collections/_superusers/auth-with-password", {
        body: { identity: email, password },
      });
      session.signIn(res.token, res.record);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    } finally {
      setBusy(false);
    }
  };

  const emailError = error?.fieldMessage("identity");
  const passwordError = error?.fieldMessage("password");
  return (
    <AuthCard title="Sign in">
      <form onSubmit={submit} class="stack" noValidate>
        {error && !emailError && !passwordError && (
          <p class="form-error" role="alert">
            {error.status === 400 ? "Wrong email or password." : error.message}
          </p>
        )}
        <FormField id="login-email" label="Email" error={emailError}>
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            required
            {...describedBy("login-email", emailError)}
          />
        </FormField>
        <FormField id="login-password" label="Password" error={passwordError}>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
            {...describedBy("login-password", passwordError)}
          />
        </FormField>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </AuthCard>
  );
}
