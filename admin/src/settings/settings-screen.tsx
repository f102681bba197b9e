import { useEffect, useState } from "preact/hooks";
import { type ApiError, toApiError } from "../api/client";
import { pb } from "../api/pb";
import { Tabs } from "../ui/tabs";
import { toast } from "../ui/toasts";
import { ApplicationSettings } from "./application-settings";
import { MailSettings } from "./mail-settings";
import { RateLimitSettings } from "./rate-limit-settings";
import type { Settings } from "./settings-types";
import { StorageSettings } from "./storage-settings";
import { TokenSettings } from "./token-settings";

type Section = "application" | "mail" | "storage" | "rateLimits" | "tokens";

/** Application settings (/api/settings), one section at a time, each saved on its own. */
export function SettingsScreen() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [section, setSection] = useState<Section>("application");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    pb.settings.getAll().then(
      (all) => setSettings(all as Settings),
      (err) => setError(toApiError(err)),
    );
  }, []);

  /** PATCHes one section; the API answers with the whole (masked) settings. */
  const save = async (patch: Partial<Settings>) => {
    setBusy(true);
    setError(null);
    try {
      setSettings((await pb.settings.update(patch)) as Settings);
      toast("Settings saved.");
      return true;
    } catch (err) {
      setError(toApiError(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page">
      <header class="page-header">
        <h1>Settings</h1>
      </header>
      {!settings ? (
        error ? (
          <p class="form-error">{error.message}</p>
        ) : (
          <p class="muted">Loading…</p>
        )
      ) : (
        <Tabs
          label="Settings sections"
          tabs={[
            { key: "application", label: "Application", invalid: Boolean(error?.data.meta) },
            { key: "mail", label: "Mail (SMTP)", invalid: Boolean(error?.data.smtp) },
            { key: "storage", label: "File storage", invalid: Boolean(error?.data.s3) },
            { key: "rateLimits", label: "Rate limits", invalid: Boolean(error?.data.rateLimits) },
            { key: "tokens", label: "Token durations" },
          ]}
          active={section}
          onChange={(s) => {
            setSection(s);
            setError(null);
          }}
        >
          {error && (
            <p class="form-error" role="alert">
              {error.message}
            </p>
          )}
          {section === "application" && (
            <ApplicationSettings settings={settings} error={error} busy={busy} onSave={save} />
          )}
          {section === "mail" && <MailSettings settings={settings} error={error} busy={busy} onSave={save} />}
          {section === "storage" && (
            <StorageSettings settings={settings} error={error} busy={busy} onSave={save} />
          )}
          {section === "rateLimits" && (
            <RateLimitSettings settings={settings} error={error} busy={busy} onSave={save} />
          )}
          {section === "tokens" && <TokenSettings />}
        </Tabs>
      )}
    </section>
  );
}
