import { fileURLToPath } from "node:url";
import ts from "typescript";

const BACKROOM_TYPES = fileURLToPath(new URL("../../../dist/index.d.ts", import.meta.url));

const POCKETBASE_TYPES = fileURLToPath(
  new URL("../../../node_modules/pocketbase/dist/pocketbase.es.d.mts", import.meta.url),
);

/**
 * Type-checks files the way an app's editor would (strict), with "backroom" and "pocketbase"
 * resolving to this checkout's declarations. Returns the errors as `file:line: message`
 * (empty = clean).
 */
export function typeCheckFiles(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [fileURLToPath(new URL("../../../node_modules/@types", import.meta.url))],
    baseUrl: "/",
    paths: { backroom: [BACKROOM_TYPES], pocketbase: [POCKETBASE_TYPES] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}: ${text}`;
  });
}
