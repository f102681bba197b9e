import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { ADMIN_BUILD_DIR } from "../static-ui.js";

/** Debian's chromium (installed by .ci/run); no browser download is needed or possible here. */
export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--no-first-run",
];
export const ARTIFACTS = join(process.cwd(), "test-artifacts", "admin");

/**
 * Whether the e2e suite can run. The admin must be built (npm test's pretest does it); a missing
 * chromium skips locally but fails under CI=true, where .ci/run installs it.
 */
export function browserSuiteReady(): boolean {
  if (!existsSync(join(ADMIN_BUILD_DIR, "index.html")))
    throw new Error(
      `The admin UI is not built (${ADMIN_BUILD_DIR}index.html is missing): run npm run build:admin.`,
    );
  return chromiumAvailable();
}

/** Whether chromium is installed: a missing one skips browser suites locally, fails them under CI=true. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === "true")
    throw new Error(`${CHROMIUM} is required under CI=true (apt-get install chromium).`);
  console.warn(`[tests] ${CHROMIUM} missing: skipping the browser suites`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Saves a screenshot to test-artifacts/admin/<name>.png (looked at by a person before release). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Runs axe-core in the page; fails on serious or critical violations (naming each, with its elements). */
export async function expectNoSeriousAxeViolations(page: Page, screen: string): Promise<void> {
  // Evaluated, not added as a <script>: the admin's CSP (rightly) refuses inline scripts.
  if (!(await page.evaluate<boolean>('"axe" in window')))
    await page.evaluate(readFileSync(axeSource, "utf8"));
  const violations = await page.evaluate(async () => {
    // The server's tsconfig has no DOM types: the page's global is reached through globalThis.
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })),
    }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `axe on ${screen}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
}

/**
 * Collects what the page's Content Security Policy blocks, from every document the page loads:
 * the browser's `securitypolicyviolation` events and its console reports. The list fills as the
 * page is used.
 */
export async function collectCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(
    'document.addEventListener("securitypolicyviolation", (e) => console.error(' +
      '"Content Security Policy violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")));',
  );
  return violations;
}
