import { useEffect, useState } from "preact/hooks";
import { type ConfigurableProvider, oauth2Providers } from "../../api/backroom";
import { describeError } from "../../api/client";
import type { OAuth2Provider, OAuth2Options as Options } from "../../api/types";
import { fieldTypeOf } from "../../fields/registry";
import { CheckboxField, describedBy, FormField } from "../../ui/form-field";
import { AUTH_DEFAULTS, type AuthSectionProps } from "./auth-draft";

const MAPPED = [
  { key: "name", label: "Their name goes to" },
  { key: "username", label: "Their username goes to" },
  { key: "avatarURL", label: "Their avatar goes to" },
  { key: "id", label: "Their user id goes to" },
] as const;

/** Sign-in through OAuth2 providers: which ones, their client credentials, and fields filled from the provider's profile. */
export function OAuth2Options({ draft, set, error }: AuthSectionProps) {
  const [available, setAvailable] = useState<ConfigurableProvider[] | null>(null);
  const [loadError, setLoadError] = useState("");
  const [adding, setAdding] = useState("");
  useEffect(() => {
    oauth2Providers().then(setAvailable, (err) => setLoadError(describeError(err)));
  }, []);
  const oauth2: Options = { ...structuredClone(AUTH_DEFAULTS.oauth2), ...(draft.oauth2 ?? {}) } as Options;
  const providers = oauth2.providers;
  const change = (patch: Partial<Options>) => set({ oauth2: { ...oauth2, ...patch } });
  const changeProvider = (i: number, patch: Partial<OAuth2Provider>) =>
    change({ providers: providers.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const displayName = (name: string) => available?.find((p) => p.name === name)?.displayName ?? name;
  const unused = (available ?? []).filter((a) => !providers.some((p) => p.name === a.name));
  const msg = (...path: (string | number)[]) => error?.fieldMessage("oauth2", ...path);
  const mappable = draft.fields.filter((f) => !f.hidden && !fieldTypeOf(f).secret && f.name !== "id");

  return (
    <section class="card stack" aria-labelledby="oauth2-heading">
      <h2 class="h3" id="oauth2-heading">
        OAuth2
      </h2>
      <CheckboxField
        id="oauth2-enabled"
        label="Allow sign-in with OAuth2 providers"
        checked={oauth2.enabled}
        onChange={(enabled) => change({ enabled })}
      />
      {loadError && <p class="form-error">{loadError}</p>}
      {providers.length === 0 && <p class="muted small">No providers yet.</p>}
      <ul class="provider-list">
        {providers.map((p, i) => {
          const id = `oauth2-${p.name}`;
          const idError = msg("providers", i, "clientId");
          const secretError = msg("providers", i, "clientSecret");
          return (
            <li key={p.name} class="provider">
              <fieldset class="stack-tight">
                <legend>{p.displayName || displayName(p.name)}</legend>
                <div class="row">
                  <FormField id={`${id}-client-id`} label="Client ID" error={idError} class="grow">
                    <input
                      id={`${id}-client-id`}
                      class="mono"
                      autoComplete="off"
                      value={p.clientId}
                      onInput={(e) => changeProvider(i, { clientId: e.currentTarget.value })}
                      {...describedBy(`${id}-client-id`, idError)}
                    />
                  </FormField>
                  <FormField
                    id={`${id}-client-secret`}
                    label="Client secret"
                    error={secretError}
                    hint="Stored, never shown. Empty keeps the current one."
                    class="grow"
                  >
                    <input
                      id={`${id}-client-secret`}
                      type="password"
                      autoComplete="new-password"
                      value={p.clientSecret ?? ""}
                      onInput={(e) => changeProvider(i, { clientSecret: e.currentTarget.value })}
                      {...describedBy(`${id}-client-secret`, secretError, true)}
                    />
                  </FormField>
                </div>
                <details>
                  <summary>Endpoints (OpenID Connect or a self-hosted provider)</summary>
                  <div class="options-grid">
                    {(["authURL", "tokenURL", "userInfoURL"] as const).map((key) => (
                      <FormField key={key} id={`${id}-${key}`} label={key} error={msg("providers", i, key)}>
                        <input
                          id={`${id}-${key}`}
                          type="url"
                          class="mono"
                          value={p[key] ?? ""}
                          onInput={(e) => changeProvider(i, { [key]: e.currentTarget.value })}
                          {...describedBy(`${id}-${key}`, msg("providers", i, key))}
                        />
                      </FormField>
                    ))}
                  </div>
                </details>
                <div>
                  <button
                    type="button"
                    class="btn btn-sm btn-danger-ghost"
                    onClick={() => change({ providers: providers.filter((_, j) => j !== i) })}
                  >
                    Remove {displayName(p.name)}
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ul>
      <div class="row align-end">
        <FormField id="oauth2-add" label="Add a provider">
          <select id="oauth2-add" value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {unused.map((a) => (
              <option key={a.name} value={a.name}>
                {a.displayName}
              </option>
            ))}
          </select>
        </FormField>
        <button
          type="button"
          class="btn"
          disabled={!adding}
          onClick={() => {
            change({ providers: [...providers, { name: adding, clientId: "", clientSecret: "" }] });
            setAdding("");
          }}
        >
          + Add provider
        </button>
      </div>
      <fieldset class="stack-tight">
        <legend>Fields filled from the provider's profile</legend>
        <div class="options-grid">
          {MAPPED.map(({ key, label }) => (
            <FormField key={key} id={`oauth2-map-${key}`} label={label} error={msg("mappedFields", key)}>
              <select
                id={`oauth2-map-${key}`}
                value={oauth2.mappedFields[key]}
                onChange={(e) =>
                  change({ mappedFields: { ...oauth2.mappedFields, [key]: e.currentTarget.value } })
                }
              >
                <option value="">Not filled</option>
                {mappable.map((f) => (
                  <option key={f.name} value={f.name}>
                    {f.name}
                  </option>
                ))}
              </select>
            </FormField>
          ))}
        </div>
      </fieldset>
    </section>
  );
}
