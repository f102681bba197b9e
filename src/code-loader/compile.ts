import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Message, Plugin } from "esbuild";
import { backroomEntryExists, backroomEntryUrl } from "./backroom-entry.js";
import { CodeLoadError, type CodeProblem } from "./code-load-error.js";

export interface CompiledModule {
  /** ESM JavaScript with an inline source map pointing back at the sources. */
  code: string;
  /** Absolute paths of every local file bundled in (the entry and its relative imports): what to watch for reloads. */
  inputs: string[];
}

/**
 * Compiles one user file, with the local files it imports, into a single ES module.
 * npm packages stay imports (resolved later from the app's node_modules); "backroom" becomes
 * the running server's own entry. `outDir` is where the result will be written: source map
 * paths are relative to it.
 */
export async function compileModule(sourceFile: string, outDir: string): Promise<CompiledModule> {
  const workingDir = dirname(sourceFile);
  try {
    // Loaded on first use: a server without hooks or migrations never pays esbuild's memory.
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [sourceFile],
      absWorkingDir: workingDir,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "inline",
      sourcesContent: true,
      outfile: join(outDir, "compiled.mjs"),
      write: false,
      metafile: true,
      logLevel: "silent",
      // Bundled CommonJS-style code may call require(); give it one that resolves like the app does.
      banner: {
        js: 'import { createRequire as __backroomCreateRequire } from "node:module"; const require = __backroomCreateRequire(import.meta.url);',
      },
      plugins: [backroomImports],
    });
    const output = result.outputFiles.find((f) => f.path.endsWith(".mjs"));
    if (!output) throw new Error("esbuild produced no output");
    const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(workingDir, p));
    return { code: output.text, inputs };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!Array.isArray(errors) || errors.length === 0) throw err;
    throw CodeLoadError.compileFailed(
      sourceFile,
      errors.map((m) => toProblem(m, workingDir, sourceFile)),
    );
  }
}

/** `import … from "backroom"` → the server's own built entry, so hooks share its module instances. */
const backroomImports: Plugin = {
  name: "backroom-imports",
  setup(b) {
    b.onResolve({ filter: /^backroom(\/.*)?$/ }, (args) => {
      if (args.path !== "backroom") {
        return { errors: [{ text: `"${args.path}" is not public: import from "backroom" itself` }] };
      }
      if (!backroomEntryExists()) {
        return {
          errors: [
            { text: `Backroom's build (${backroomEntryUrl.pathname}) is missing: run "npm run build"` },
          ],
        };
      }
      return { path: backroomEntryUrl.href, external: true };
    });
  },
};

function toProblem(m: Message, workingDir: string, entry: string): CodeProblem {
  const loc = m.location;
  if (!loc) return { file: entry, line: 1, column: 1, message: m.text, lineText: "" };
  return {
    file: isAbsolute(loc.file) ? loc.file : resolve(workingDir, loc.file),
    line: loc.line,
    // esbuild counts columns from 0 in bytes; editors and terminals expect 1-based characters.
    column: charColumn(loc.lineText, loc.column) + 1,
    message: m.text,
    lineText: loc.lineText,
  };
}

function charColumn(lineText: string, byteColumn: number): number {
  const bytes = Buffer.from(lineText, "utf8").subarray(0, byteColumn);
  return bytes.toString("utf8").length;
}
