import { CheckboxField, describedBy, FormField } from "../../ui/form-field";
import { RuleInput } from "../rule-input";
import { AUTH_DEFAULTS, type AuthSectionProps, wholeNumber } from "./auth-draft";
import { OAuth2Options } from "./oauth2-options";
import { PasswordOptions } from "./password-options";
import { TokenDurations } from "./token-durations";

interface AuthOptionsProps extends AuthSectionProps {
  /** Words the MFA rule editor completes. */
  vocabulary: string[];
  /** The collection as it would be saved, for the MFA rule's live check. */
  body: () => Record<string, unknown>;
}

/** A number input in seconds or digits, with its API message; the label says the unit. */
function NumberOption(props: {
  id: string;
  label: string;
  value: number;
  onValue: (v: number) => void;
  error: string | undefined;
  hint?: string;
}) {
  const { id, label, value, onValue, error, hint } = props;
  return (
    <FormField id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        type="number"
        min={1}
        step={1}
        value={value}
        onInput={(e) => onValue(wholeNumber(e.currentTarget.value))}
        {...describedBy(id, error, Boolean(hint))}
      />
    </FormField>
  );
}

/**
 * How accounts of an auth collection sign in: password (and by which fields), OAuth2 providers,
 * one-time passwords by email, multi-factor, and how long each kind of token lasts. Saved with the
 * collection.
 */
export function AuthOptions({ draft, set, error, vocabulary, body }: AuthOptionsProps) {
  const otp = { ...AUTH_DEFAULTS.otp, ...(draft.otp ?? {}) };
  const mfa = { ...AUTH_DEFAULTS.mfa, ...(draft.mfa ?? {}) };
  const msg = (...path: string[]) => error?.fieldMessage(...path);
  return (
    <div class="stack auth-options">
      <PasswordOptions draft={draft} set={set} error={error} />
      <OAuth2Options draft={draft} set={set} error={error} />
      <section class="card stack" aria-labelledby="otp-heading">
        <h2 class="h3" id="otp-heading">
          One-time password (OTP)
        </h2>
        <p class="muted small">
          A code sent by email signs the account in (<code>requestOTP</code>, then <code>authWithOTP</code>).
        </p>
        <CheckboxField
          id="otp-enabled"
          label="Allow sign-in with a one-time password"
          checked={otp.enabled}
          onChange={(enabled) => set({ otp: { ...otp, enabled } })}
        />
        <div class="row">
          <NumberOption
            id="otp-duration"
            label="Code valid for (seconds)"
            value={otp.duration}
            onValue={(duration) => set({ otp: { ...otp, duration } })}
            error={msg("otp", "duration")}
          />
          <NumberOption
            id="otp-length"
            label="Code length (digits)"
            value={otp.length}
            onValue={(length) => set({ otp: { ...otp, length } })}
            error={msg("otp", "length")}
          />
        </div>
      </section>
      <section class="card stack" aria-labelledby="mfa-heading">
        <h2 class="h3" id="mfa-heading">
          Multi-factor authentication (MFA)
        </h2>
        <p class="muted small">
          A second sign-in method is asked for within the time below (e.g. a password, then an OTP). Needs at
          least two sign-in methods enabled.
        </p>
        <CheckboxField
          id="mfa-enabled"
          label="Require a second sign-in method"
          checked={mfa.enabled}
          onChange={(enabled) => set({ mfa: { ...mfa, enabled } })}
        />
        <div class="row">
          <NumberOption
            id="mfa-duration"
            label="Time to finish the second step (seconds)"
            value={mfa.duration}
            onValue={(duration) => set({ mfa: { ...mfa, duration } })}
            error={msg("mfa", "duration")}
          />
        </div>
        <RuleInput
          id="mfa-rule"
          label="Who must use MFA (rule)"
          value={mfa.rule}
          nullable={false}
          onChange={(rule) => set({ mfa: { ...mfa, rule: rule ?? "" } })}
          vocabulary={vocabulary}
          draft={body}
          saveError={msg("mfa", "rule")}
          emptyMeaning="Empty: every account."
        />
      </section>
      <TokenDurations draft={draft} set={set} error={error} />
    </div>
  );
}
