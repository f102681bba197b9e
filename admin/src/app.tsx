import { useEffect, useState } from "preact/hooks";
import { forgetCollections, useCollections } from "./api/collections-store";
import { pb } from "./api/pb";
import { session } from "./api/session";
import { CollectionEditorScreen } from "./collections/collection-editor";
import { DashboardScreen } from "./dashboard/dashboard";
import { ApiKeysScreen } from "./keys/api-keys";
import { AuditScreen } from "./logs/audit";
import { JobsScreen } from "./logs/jobs";
import { RequestLogsScreen } from "./logs/request-logs";
import { WebhooksScreen } from "./logs/webhooks";
import { RecordsScreen } from "./records/records-screen";
import { currentPath, match, navigate, useRoute } from "./router";
import { Layout } from "./screens/layout";
import { LoginScreen } from "./screens/login";
import { SetupScreen } from "./screens/setup";
import { SettingsScreen } from "./settings/settings-screen";
import { ToastRegion } from "./ui/toasts";

function useSignedIn(): boolean {
  const [signedIn, setSignedIn] = useState(() => session.token() !== "");
  useEffect(() => {
    const stop = session.subscribe(() => {
      const now = session.token() !== "";
      if (!now) forgetCollections();
      setSignedIn(now);
    });
    // A stored token is renewed once per visit; an expired or revoked one (401) ends the session.
    if (session.token())
      pb.collection("_superusers")
        .authRefresh()
        .catch(() => undefined);
    return stop;
  }, []);
  return signedIn;
}

/** "/" opens the first collection that isn't a system one (or the new-collection form). */
function Home({ path }: { path: string }) {
  const collections = useCollections();
  useEffect(() => {
    // The collections can arrive after the address moved on (a link followed, a bookmark opened
    // right after signing in): only a route still showing Home is redirected.
    if (!collections || currentPath() !== path) return;
    const first = collections.find((c) => !c.system) ?? collections[0];
    navigate(first ? `/collections/${encodeURIComponent(first.name)}` : "/new-collection");
  }, [collections, path]);
  return <p class="muted pad">Loading…</p>;
}

function SignedInRoutes({ path }: { path: string }) {
  const schema = match("/collections/:name/schema", path);
  if (schema) return <CollectionEditorScreen key={schema.name} name={schema.name as string} />;
  const records = match("/collections/:name", path);
  if (records) return <RecordsScreen key={records.name} name={records.name as string} />;
  if (path === "/new-collection") return <CollectionEditorScreen key="new" name={null} />;
  if (path === "/settings") return <SettingsScreen />;
  if (path === "/audit") return <AuditScreen />;
  if (path === "/logs") return <RequestLogsScreen />;
  if (path === "/dashboard") return <DashboardScreen />;
  if (path === "/jobs") return <JobsScreen />;
  if (path === "/webhooks") return <WebhooksScreen />;
  if (path === "/api-keys") return <ApiKeysScreen />;
  return <Home path={path} />;
}

export function App() {
  const path = useRoute();
  const signedIn = useSignedIn();
  const setup = match("/setup/:token", path);
  useEffect(() => {
    document.title = signedIn ? "Backroom admin" : "Sign in · Backroom admin";
  }, [signedIn]);

  return (
    <>
      {setup && !signedIn ? (
        <SetupScreen token={setup.token as string} />
      ) : !signedIn ? (
        <LoginScreen />
      ) : (
        <Layout path={path}>
          <SignedInRoutes path={path} />
        </Layout>
      )}
      <ToastRegion />
    </>
  );
}
