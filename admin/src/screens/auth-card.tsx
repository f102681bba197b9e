import type { ComponentChildren } from "preact";

/** The centred card of the sign-in and setup pages. */
export function AuthCard({
  title,
  intro,
  children,
}: {
  title: string;
  intro?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <main class="auth-page">
      <div class="auth-card">
        <p class="brand-mark" aria-hidden="true">
          Backroom
        </p>
        <h1>{title}</h1>
        {intro && <p class="muted">{intro}</p>}
        {children}
      </div>
    </main>
  );
}
