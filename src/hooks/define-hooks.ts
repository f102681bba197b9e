import type { HooksApp, HooksSetup } from "./types.js";

/**
 * Declares a hooks file: `export default defineHooks((app) => { app.onRecordCreate(…) })`.
 * It only gives the setup function its types; the server calls it when it loads the file.
 */
export function defineHooks(setup: (app: HooksApp) => void | Promise<void>): HooksSetup {
  return setup;
}
