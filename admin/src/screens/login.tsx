import { useState } from "preact/hooks";
import { pb } from "../api/pb";
import { InputField } from "../ui/form-field";
import { useApiSubmit } from "../ui/use-api-submit";
import { AuthCard } from "./auth-card";

export function LoginScreen() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { error, busy, submit } = useApiSubmit(async () => {
    // The SDK keeps the token and record in the admin's auth store: that is the sign-in.
    await pb.collection("_superusers").authWithPassword(email, password);
  });

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
        <InputField
          id="login-email"
          label="Email"
          error={emailError}
          value={email}
          onValue={setEmail}
          input={{ type: "email", autoComplete: "username", required: true }}
        />
        <InputField
          id="login-password"
          label="Password"
          error={passwordError}
          value={password}
          onValue={setPassword}
          input={{ type: "password", autoComplete: "current-password", required: true }}
        />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </AuthCard>
  );
}
