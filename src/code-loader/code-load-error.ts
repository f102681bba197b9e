import { pathToFileURL } from "node:url";

/** One compile problem, positioned in the developer's own source file (1-based line and column). */
export interface CodeProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  lineText: string;
}

/**
 * A user file (hook, migration…) that cannot be compiled or throws while it is imported.
 * The message is written for a developer's terminal: every problem as `file:line:column: message`,
 * followed by the offending line and a caret under the column.
 */
export class CodeLoadError extends Error {
  override readonly name = "CodeLoadError";

  constructor(
    /** The file that was being loaded (the entry, not necessarily the one with the problem). */
    readonly file: string,
    message: string,
    /** Compile problems; empty when the file compiled but failed at import time. */
    readonly problems: CodeProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static compileFailed(file: string, problems: CodeProblem[]): CodeLoadError {
    const count = problems.length === 1 ? "1 error" : `${problems.length} errors`;
    const body = problems.map(formatProblem).join("\n\n");
    return new CodeLoadError(file, `Cannot compile ${file} (${count}):\n\n${body}`, problems);
  }

  /** `compiled` (the cache copy Node ran) is replaced by `file` in the message: the developer knows only the source. */
  static importFailed(file: string, compiled: string, cause: unknown): CodeLoadError {
    const reason = (cause instanceof Error ? cause.message : String(cause))
      .replaceAll(pathToFileURL(compiled).href, file)
      .replaceAll(compiled, file);
    return new CodeLoadError(file, `${file} threw while loading: ${reason}`, [], { cause });
  }
}

function formatProblem(p: CodeProblem): string {
  const head = `${p.file}:${p.line}:${p.column}: ${p.message}`;
  if (!p.lineText) return head;
  const gutter = String(p.line);
  const pad = " ".repeat(gutter.length);
  // Tabs keep their width in the caret line so the caret lines up in a terminal.
  const lead = p.lineText.slice(0, Math.max(0, p.column - 1)).replace(/[^\t]/g, " ");
  return `${head}\n  ${gutter} | ${p.lineText}\n  ${pad} | ${lead}^`;
}
