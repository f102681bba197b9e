/** What long backup work reports as it goes (the CLI prints it; the API logs nothing per step). */
export type BackupProgress =
  | { phase: "table"; table: string; rows: number }
  | { phase: "files"; done: number; total: number }
  | { phase: "done"; rows: number; files: number; bytes: number };

export type ProgressListener = (progress: BackupProgress) => void;
