import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useCollections } from "../api/collections-store";
import { session } from "../api/session";
import { href, navigate } from "../router";

interface LayoutProps {
  path: string;
  children: ComponentChildren;
}

const SECTIONS = [
  { path: "/dashboard", label: "Dashboard" },
  { path: "/settings", label: "Settings" },
  { path: "/audit", label: "Audit log" },
  { path: "/logs", label: "Logs" },
  { path: "/jobs", label: "Jobs" },
  { path: "/webhooks", label: "Webhooks" },
  { path: "/api-keys", label: "API keys" },
];

/** The frame of every signed-in screen: sidebar of collections and sections, content on the right. */
export function Layout({ path, children }: LayoutProps) {
  const collections = useCollections();
  const [filter, setFilter] = useState("");
  const [menuOpen, setMenuOpen] = useState(false);
  const visible = (collections ?? []).filter((c) => c.name.toLowerCase().includes(filter.toLowerCase()));
  const current = (target: string) => path === target || path.startsWith(`${target}/`);
  const user = session.user();
  // On a phone the menu covers the page: any navigation closes it.
  useEffect(() => setMenuOpen(false), [path]);

  return (
    <div class={`shell${menuOpen ? " menu-open" : ""}`}>
      {/* A button, not a link: "#main" would be taken for a route by the hash router. */}
      <button type="button" class="skip-link" onClick={() => document.getElementById("main")?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <button
          type="button"
          class="btn btn-ghost menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <a class="brand" href={href("/")}>
          Backroom
        </a>
        <span class="topbar-user">{user?.email}</span>
        <button type="button" class="btn btn-ghost" onClick={() => session.clear()}>
          Sign out
        </button>
      </header>
      <nav id="sidebar" class="sidebar" aria-label="Main">
        <div class="sidebar-section">
          <h2 class="sidebar-title">Collections</h2>
          <label class="sr-only" for="collection-search">
            Search collections
          </label>
          <input
            id="collection-search"
            type="search"
            class="input-sm"
            placeholder="Search collections"
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
          />
          {collections === null ? (
            <p class="muted small">Loading…</p>
          ) : (
            <ul class="nav-list">
              {visible.map((c) => (
                <li key={c.id}>
                  <a
                    href={href(`/collections/${encodeURIComponent(c.name)}`)}
                    aria-current={current(`/collections/${c.name}`) ? "page" : undefined}
                  >
                    <span class={`type-dot type-${c.type}`} aria-hidden="true" />
                    {c.name}
                    {c.type !== "base" && <span class="badge">{c.type}</span>}
                  </a>
                </li>
              ))}
            </ul>
          )}
          <button type="button" class="btn btn-block btn-sm" onClick={() => navigate("/new-collection")}>
            + New collection
          </button>
        </div>
        <div class="sidebar-section">
          <h2 class="sidebar-title">System</h2>
          <ul class="nav-list">
            {SECTIONS.map((s) => (
              <li key={s.path}>
                <a href={href(s.path)} aria-current={current(s.path) ? "page" : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
