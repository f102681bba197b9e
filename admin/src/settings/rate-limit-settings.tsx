import { useState } from "preact/hooks";
import { DataTable } from "../ui/data-table";
import { CheckboxField, InputField } from "../ui/form-field";
import type { AuthFailureLimits, RateLimitRule, SectionProps } from "./settings-types";

const FAILURE_FIELDS: [keyof AuthFailureLimits, string][] = [
  ["perIdentity", "Failed sign-ins per account"],
  ["perIdentityDuration", "Account lock window (s, after the last failure)"],
  ["perIP", "Failed sign-ins per address"],
  ["perIPDuration", "Address window (s)"],
];

/** Rate limits: on/off, the rules (label, requests per window, audience) and the failed sign-in locks. */
export function RateLimitSettings({ settings, error, busy, onSave }: SectionProps) {
  const [limits, setLimits] = useState(settings.rateLimits);
  const [failures, setFailures] = useState(settings.authFailureLimits);
  const setRule = (i: number, patch: Partial<RateLimitRule>) =>
    setLimits({ ...limits, rules: limits.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const msg = (i: number, key: string) => error?.fieldMessage("rateLimits", "rules", i, key);
  return (
    <form
      class="stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ rateLimits: limits, authFailureLimits: failures });
      }}
    >
      <CheckboxField
        id="rate-limits-enabled"
        label="Enable rate limits"
        checked={limits.enabled}
        onChange={(v) => setLimits({ ...limits, enabled: v })}
      />
      <DataTable
        caption="Rate limit rules"
        columns={["Label", "Max requests", "Window (s)", "Audience", { hidden: "Actions" }]}
        compact
      >
        {limits.rules.map((r, i) => (
          <tr key={i}>
            <RuleCell
              label={`Rule ${i + 1} label`}
              value={r.label}
              error={msg(i, "label")}
              onValue={(v) => setRule(i, { label: v })}
            />
            <RuleCell
              label={`Rule ${i + 1} max requests`}
              value={r.maxRequests}
              error={msg(i, "maxRequests")}
              onValue={(v) => setRule(i, { maxRequests: Number(v) })}
            />
            <RuleCell
              label={`Rule ${i + 1} window in seconds`}
              value={r.duration}
              error={msg(i, "duration")}
              onValue={(v) => setRule(i, { duration: Number(v) })}
            />
            <td>
              <select
                aria-label={`Rule ${i + 1} audience`}
                value={r.audience}
                onChange={(e) => setRule(i, { audience: e.currentTarget.value as RateLimitRule["audience"] })}
              >
                <option value="">Everyone</option>
                <option value="@guest">Guests</option>
                <option value="@auth">Signed in</option>
              </select>
            </td>
            <td>
              <button
                type="button"
                class="btn btn-danger-ghost btn-sm"
                onClick={() => setLimits({ ...limits, rules: limits.rules.filter((_, j) => j !== i) })}
                aria-label={`Remove rule ${r.label || i + 1}`}
              >
                Remove
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      <fieldset class="stack">
        <legend>Failed sign-ins (passwords and codes; 0 turns a lock off)</legend>
        {FAILURE_FIELDS.map(([key, label]) => (
          <InputField
            key={key}
            id={`auth-failures-${key}`}
            label={label}
            value={String(failures[key])}
            error={error?.fieldMessage("authFailureLimits", key)}
            onValue={(v) => setFailures({ ...failures, [key]: Number(v) })}
            input={{ type: "number", min: 0 }}
          />
        ))}
      </fieldset>
      <div class="row">
        <button
          type="button"
          class="btn"
          onClick={() =>
            setLimits({
              ...limits,
              rules: [...limits.rules, { label: "/api/", maxRequests: 100, duration: 10, audience: "" }],
            })
          }
        >
          + Add rule
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Save rate limits
        </button>
      </div>
    </form>
  );
}

/** One input cell of a rule row (a number input for numbers), with the API's message for it. */
function RuleCell({
  label,
  value,
  error,
  onValue,
}: {
  label: string;
  value: string | number;
  error: string | undefined;
  onValue: (value: string) => void;
}) {
  return (
    <td>
      <input
        {...(typeof value === "number" ? { type: "number" } : { class: "mono" })}
        aria-label={label}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? true : undefined}
      />
      {error && <p class="field-error">{error}</p>}
    </td>
  );
}
