import { useState } from "preact/hooks";
import { CheckboxField } from "../ui/form-field";
import type { RateLimitRule, SectionProps } from "./settings-types";

/** Rate limits: on/off and the rules (label, requests per window, audience). */
export function RateLimitSettings({ settings, error, busy, onSave }: SectionProps) {
  const [limits, setLimits] = useState(settings.rateLimits);
  const setRule = (i: number, patch: Partial<RateLimitRule>) =>
    setLimits({ ...limits, rules: limits.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const msg = (i: number, key: string) => error?.fieldMessage("rateLimits", "rules", i, key);
  return (
    <form
      class="stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ rateLimits: limits });
      }}
    >
      <CheckboxField
        id="rate-limits-enabled"
        label="Enable rate limits"
        checked={limits.enabled}
        onChange={(v) => setLimits({ ...limits, enabled: v })}
      />
      <div class="table-wrap">
        <table class="records-table compact">
          <caption class="sr-only">Rate limit rules</caption>
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Max requests</th>
              <th scope="col">Window (s)</th>
              <th scope="col">Audience</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {limits.rules.map((r, i) => (
              <tr key={i}>
                <td>
                  <input
                    class="mono"
                    aria-label={`Rule ${i + 1} label`}
                    value={r.label}
                    onInput={(e) => setRule(i, { label: e.currentTarget.value })}
                    aria-invalid={msg(i, "label") ? true : undefined}
                  />
                  {msg(i, "label") && <p class="field-error">{msg(i, "label")}</p>}
                </td>
                <td>
                  <input
                    type="number"
                    aria-label={`Rule ${i + 1} max requests`}
                    value={r.maxRequests}
                    onInput={(e) => setRule(i, { maxRequests: Number(e.currentTarget.value) })}
                    aria-invalid={msg(i, "maxRequests") ? true : undefined}
                  />
                  {msg(i, "maxRequests") && <p class="field-error">{msg(i, "maxRequests")}</p>}
                </td>
                <td>
                  <input
                    type="number"
                    aria-label={`Rule ${i + 1} window in seconds`}
                    value={r.duration}
                    onInput={(e) => setRule(i, { duration: Number(e.currentTarget.value) })}
                    aria-invalid={msg(i, "duration") ? true : undefined}
                  />
                  {msg(i, "duration") && <p class="field-error">{msg(i, "duration")}</p>}
                </td>
                <td>
                  <select
                    aria-label={`Rule ${i + 1} audience`}
                    value={r.audience}
                    onChange={(e) =>
                      setRule(i, { audience: e.currentTarget.value as RateLimitRule["audience"] })
                    }
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
          </tbody>
        </table>
      </div>
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
