import { useState } from "preact/hooks";
import { setupSuperuser } from "../api/backroom";
import { session } from "../api/session";
import { navigate } from "../router";
import { InputField } from "../ui/form-field";
import { useApiSubmit } from "../ui/use-api-submit";
import { AuthCard } from "./auth-card";

/** First run: the link printed by the server carries a one-time token; this creates the first superuser. */
export function SetupScreen({ token }: { token: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [passwordConfirm, setPasswordConfirm] = useState("");
  const { error, busy, submit } = useApiSubmit(async () => {
    const res = await setupSuperuser({ token, email, password, passwordConfirm });
    session.signIn(res.token, res.record);
    navigate("/");
  });

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
        <InputField
          id="setup-email"
          label="Email"
          error={fieldError("email")}
          value={email}
          onValue={setEmail}
          input={{ type: "email", autoComplete: "username" }}
        />
        <InputField
          id="setup-password"
          label="Password"
          error={fieldError("password")}
          hint="At least 8 characters."
          value={password}
          onValue={setPassword}
          input={{ type: "password", autoComplete: "new-password" }}
        />
        <InputField
          id="setup-password-confirm"
          label="Confirm password"
          error={fieldError("passwordConfirm")}
          value={passwordConfirm}
          onValue={setPasswordConfirm}
          input={{ type: "password", autoComplete: "new-password" }}
        />
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
