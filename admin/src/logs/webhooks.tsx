import { useCallback, useEffect, useState } from "preact/hooks";
import { jobs, listPage, webhooks } from "../api/backroom";
import { type ApiError, describeError, toApiError } from "../api/client";
import { DataTable } from "../ui/data-table";
import { ConfirmDialog, Dialog } from "../ui/dialog";
import { CheckboxField, InputField } from "../ui/form-field";
import { toastAction } from "../ui/toasts";

interface Webhook {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  created: string;
}
interface Delivery {
  id: string;
  jobId: string;
  eventType: string;
  attempt: number;
  status: "success" | "failed";
  httpStatus: number;
  durationMs: number;
  error: string;
  created: string;
}

/**
 * Webhooks (/api/webhooks): add, edit, pause, send a test event, remove, and their deliveries
 * with a retry for failed ones.
 */
export function WebhooksScreen() {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState("");
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [viewing, setViewing] = useState<Webhook | null>(null);
  const [removing, setRemoving] = useState<Webhook | null>(null);

  const load = useCallback(() => {
    listPage<Webhook>("/api/webhooks", 1, 200).then(
      (res) => setHooks(res.items),
      (err) => setError(describeError(err)),
    );
  }, []);
  useEffect(load, [load]);

  const toggle = (hook: Webhook) =>
    toastAction(() => webhooks.update(hook.id, { active: !hook.active }), undefined, load);
  const sendTest = (hook: Webhook) =>
    toastAction(
      () => webhooks.test(hook.id),
      "Test event queued: its delivery shows under Deliveries.",
      load,
    );
  const remove = (hook: Webhook) => {
    setRemoving(null);
    return toastAction(() => webhooks.remove(hook.id), "Webhook removed.", load);
  };

  return (
    <section class="page">
      <header class="page-header">
        <h1>Webhooks</h1>
        <button type="button" class="btn btn-primary" onClick={() => setAdding(true)}>
          + New webhook
        </button>
      </header>
      {error && <p class="form-error">{error}</p>}
      {hooks && hooks.length === 0 && <p class="muted">No webhooks yet.</p>}
      {hooks && hooks.length > 0 && (
        <DataTable caption="Webhooks" columns={["URL", "Events", "State", { hidden: "Actions" }]}>
          {hooks.map((h) => (
            <tr key={h.id}>
              <td class="mono">{h.url}</td>
              <td>{h.events.join(", ")}</td>
              <td>
                <span class={`pill ${h.active ? "pill-on" : ""}`}>{h.active ? "active" : "paused"}</span>
              </td>
              <td class="nowrap">
                <button type="button" class="btn btn-sm" onClick={() => setEditing(h)}>
                  Edit<span class="sr-only"> {h.url}</span>
                </button>
                <button type="button" class="btn btn-sm" onClick={() => sendTest(h)} disabled={!h.active}>
                  Send test<span class="sr-only"> to {h.url}</span>
                </button>
                <button type="button" class="btn btn-sm" onClick={() => setViewing(h)}>
                  Deliveries<span class="sr-only"> of {h.url}</span>
                </button>
                <button type="button" class="btn btn-sm" onClick={() => toggle(h)}>
                  {h.active ? "Pause" : "Resume"}
                  <span class="sr-only"> {h.url}</span>
                </button>
                <button type="button" class="btn btn-sm btn-danger-ghost" onClick={() => setRemoving(h)}>
                  Remove<span class="sr-only"> {h.url}</span>
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {(adding || editing) && (
        <WebhookForm
          hook={editing}
          onClose={() => {
            setAdding(false);
            setEditing(null);
          }}
          onSaved={() => {
            setAdding(false);
            setEditing(null);
            load();
          }}
        />
      )}
      {viewing && <Deliveries hook={viewing} onClose={() => setViewing(null)} />}
      {removing && (
        <ConfirmDialog
          title="Remove webhook"
          message={`Stop sending events to ${removing.url} and forget its delivery log?`}
          confirmLabel="Remove"
          danger
          onConfirm={() => remove(removing)}
          onCancel={() => setRemoving(null)}
        />
      )}
    </section>
  );
}

/** Creates a webhook (`hook` null; a generated secret is shown once) or edits one. */
function WebhookForm({
  hook,
  onClose,
  onSaved,
}: {
  hook: Webhook | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [url, setUrl] = useState(hook?.url ?? "");
  const [events, setEvents] = useState(hook ? hook.events.join(", ") : "*");
  const [active, setActive] = useState(hook?.active ?? true);
  const [newSecret, setNewSecret] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const body = {
        url,
        events: events
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean),
        active,
      };
      if (hook) {
        // An empty secret field keeps the current one (it is never shown again).
        await webhooks.update(hook.id, newSecret ? { ...body, secret: newSecret } : body);
        onSaved();
        return;
      }
      const res = await webhooks.create<{ secret?: string }>(body);
      if (res.secret) setSecret(res.secret);
      else onSaved();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  if (secret)
    return (
      <Dialog key="secret" title="Webhook created" onClose={onSaved}>
        <p>The signing secret is shown once. Keep it to check the Backroom-Signature header.</p>
        <label for="webhook-secret">Secret</label>
        <input id="webhook-secret" class="mono" readOnly value={secret} data-autofocus />
      </Dialog>
    );
  const msg = (key: string) => error?.fieldMessage(key);
  return (
    <Dialog
      key="form"
      title={hook ? "Edit webhook" : "New webhook"}
      onClose={onClose}
      footer={
        <>
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="webhook-form" class="btn btn-primary">
            {hook ? "Save" : "Create"}
          </button>
        </>
      }
    >
      <form id="webhook-form" class="stack" noValidate onSubmit={save}>
        {error && !msg("url") && !msg("events") && !msg("secret") && (
          <p class="form-error">{error.message}</p>
        )}
        <InputField
          id="webhook-url"
          label="URL"
          error={msg("url")}
          value={url}
          onValue={setUrl}
          input={{ type: "url" }}
        />
        <InputField
          id="webhook-events"
          label="Events"
          error={msg("events")}
          hint="Comma-separated, e.g. posts.create, *"
          value={events}
          onValue={setEvents}
          input={{ class: "mono" }}
        />
        {hook && (
          <InputField
            id="webhook-secret-new"
            label="New signing secret"
            error={msg("secret")}
            hint="Empty keeps the current secret."
            value={newSecret}
            onValue={setNewSecret}
            input={{ type: "password", autoComplete: "new-password", class: "mono" }}
          />
        )}
        <CheckboxField id="webhook-active" label="Active" checked={active} onChange={setActive} />
      </form>
    </Dialog>
  );
}

function Deliveries({ hook, onClose }: { hook: Webhook; onClose: () => void }) {
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [error, setError] = useState("");
  const load = useCallback(() => {
    webhooks.deliveries<Delivery>(hook.id).then(
      (res) => setItems(res.items),
      (err) => setError(describeError(err)),
    );
  }, [hook.id]);
  useEffect(load, [load]);
  const retry = (d: Delivery) =>
    toastAction(() => jobs.act(d.jobId, "retry"), "Delivery queued again.", load);
  return (
    <Dialog title={`Deliveries to ${hook.url}`} onClose={onClose} wide>
      {error && <p class="form-error">{error}</p>}
      {items && items.length === 0 && <p class="muted">No deliveries yet.</p>}
      {items && items.length > 0 && (
        <DataTable
          caption="Deliveries"
          columns={["Time (UTC)", "Event", "Result", "Attempt", { hidden: "Actions" }]}
          compact
          wrap={false}
        >
          {items.map((d) => (
            <tr key={d.id}>
              <td class="nowrap">{d.created.slice(0, 19)}</td>
              <td class="mono">{d.eventType}</td>
              <td>
                <span class={`pill ${d.status === "success" ? "pill-on" : "pill-bad"}`}>
                  {d.status} {d.httpStatus ? `(${d.httpStatus})` : ""}
                </span>{" "}
                {d.error && <span class="muted small">{d.error}</span>}
              </td>
              <td>{d.attempt}</td>
              <td>
                {d.status === "failed" && (
                  <button type="button" class="btn btn-sm" onClick={() => retry(d)}>
                    Retry<span class="sr-only"> delivery {d.id}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Dialog>
  );
}
