import { PRESETS } from "./presets.js";

/** One provider an auth collection can be configured with (the SDK's ConfigurableOAuth2Provider). */
export interface ConfigurableProvider {
  name: string;
  displayName: string;
  /** Backroom ships no provider logos: always "" (the dashboard then shows the name alone). */
  logo: string;
}

/** Every provider Backroom can sign in with, in PocketBase's order (by `order`, then by name). */
export function configurableProviders(): ConfigurableProvider[] {
  return Object.entries(PRESETS)
    .sort(([a, pa], [b, pb]) => pa.order - pb.order || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, p]) => ({ name, displayName: p.displayName, logo: "" }));
}
