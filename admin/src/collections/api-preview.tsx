import type { Collection } from "../api/types";
import { fieldTypeOf } from "../fields/registry";
import { toast } from "../ui/toasts";

/** A code sample with a button that copies it (the buttons also let the keyboard scroll the list). */
function CodeBlock({ code, label, muted }: { code: string; label: string; muted?: boolean }) {
  const copy = () =>
    navigator.clipboard?.writeText(code).then(
      () => toast("Copied."),
      () => toast("Copying is not allowed here.", "error"),
    );
  return (
    <div class="code-block">
      <pre class={muted ? "pre-muted" : undefined}>
        <code>{code}</code>
      </pre>
      <button
        type="button"
        class="btn btn-sm btn-ghost copy-button"
        onClick={copy}
        aria-label={`Copy ${label}`}
      >
        Copy
      </button>
    </div>
  );
}

const ruleText = (rule: string | null | undefined) =>
  rule === null || rule === undefined ? "superusers only" : rule === "" ? "anyone" : rule;

/** Example calls with the JavaScript SDK (and curl) for a collection, with the rule that guards each. */
export function ApiPreview({ collection }: { collection: Collection }) {
  const name = JSON.stringify(collection.name);
  const body: Record<string, unknown> = {};
  for (const f of collection.fields) {
    // Uploads and server-set values have no JSON example.
    const sample = f.system ? undefined : fieldTypeOf(f).sample(f);
    if (sample !== undefined) body[f.name] = sample;
  }
  if (collection.type === "auth") {
    body.email = "someone@example.com";
    body.password = "a strong password";
    body.passwordConfirm = "a strong password";
  }
  const json = JSON.stringify(body, null, 2);
  const origin = window.location.origin;
  const sections = [
    {
      title: "List and search",
      rule: collection.listRule,
      code: `const page = await pb.collection(${name}).getList(1, 30, {\n  filter: 'created > "2025-01-01"',\n  sort: "-created",\n});`,
      curl: `curl '${origin}/api/collections/${collection.name}/records?page=1&perPage=30'`,
    },
    {
      title: "View one",
      rule: collection.viewRule,
      code: `const record = await pb.collection(${name}).getOne("RECORD_ID");`,
      curl: `curl '${origin}/api/collections/${collection.name}/records/RECORD_ID'`,
    },
  ];
  if (collection.type !== "view") {
    sections.push(
      {
        title: "Create",
        rule: collection.createRule,
        code: `const record = await pb.collection(${name}).create(${json});`,
        curl: `curl -X POST -H 'content-type: application/json' \\\n  -d '${JSON.stringify(body)}' \\\n  '${origin}/api/collections/${collection.name}/records'`,
      },
      {
        title: "Update",
        rule: collection.updateRule,
        code: `const record = await pb.collection(${name}).update("RECORD_ID", { /* changed fields */ });`,
        curl: `curl -X PATCH -H 'content-type: application/json' -d '{}' \\\n  '${origin}/api/collections/${collection.name}/records/RECORD_ID'`,
      },
      {
        title: "Delete",
        rule: collection.deleteRule,
        code: `await pb.collection(${name}).delete("RECORD_ID");`,
        curl: `curl -X DELETE '${origin}/api/collections/${collection.name}/records/RECORD_ID'`,
      },
    );
  }
  if (collection.type === "auth") {
    sections.push({
      title: "Sign in with password",
      rule: collection.authRule ?? null,
      code: `const auth = await pb.collection(${name}).authWithPassword("someone@example.com", "a strong password");`,
      curl: `curl -X POST -H 'content-type: application/json' \\\n  -d '{"identity":"someone@example.com","password":"…"}' \\\n  '${origin}/api/collections/${collection.name}/auth-with-password'`,
    });
  }
  sections.push({
    title: "Realtime",
    rule: collection.listRule,
    code: `await pb.collection(${name}).subscribe("*", (e) => console.log(e.action, e.record));`,
    curl: `curl -N '${origin}/api/realtime'`,
  });

  return (
    <div class="api-preview">
      <p class="muted">
        With the JavaScript SDK: <code>{`const pb = new PocketBase("${origin}");`}</code>
      </p>
      {sections.map((s) => (
        <section key={s.title} class="api-section">
          <h3>
            {s.title} <span class="rule-chip">Rule: {ruleText(s.rule)}</span>
          </h3>
          <CodeBlock code={s.code} label={`${s.title} (SDK)`} />
          <CodeBlock code={s.curl} label={`${s.title} (curl)`} muted />
        </section>
      ))}
    </div>
  );
}
