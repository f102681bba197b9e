import type { OutboxEntry } from "./outbox.js";

/**
 * What a reader knows about transactions when it reads the outbox (PostgreSQL only): rows of a
 * transaction whose id is below `xminBefore` are committed or gone for good.
 */
export interface SnapshotBounds {
  /** Oldest transaction still running just before the rows were read. */
  xminBefore: bigint;
  /** First transaction id not yet assigned just after the rows were read. */
  xmaxAfter: bigint;
}

interface Hole {
  /** When the reader first saw it. */
  since: number;
  /** Transactions that could own the missing numbers had ids below this (PostgreSQL). */
  ownersBelow?: bigint;
  /** Holes below this sequence number were visible in that same read. */
  seenBelow: number;
}

export interface GapOptions {
  /** Longest wait for a hole to fill before later rows go out anyway. */
  holdMs: number;
  /** How long skipped numbers are re-read in case their transaction commits late. */
  lateWindowMs: number;
  /** Most skipped numbers remembered at once. */
  maxLate: number;
}

/**
 * Orders delivery by sequence number. A sequence number is taken at insert time but its row only
 * becomes visible at commit, so on PostgreSQL a reader can see 12 before 11 commits (SQLite
 * serializes writers, so its holes are only ever permanent). Delivery stops at the first hole
 * until it fills, is known permanent (every transaction that could own it has ended: its number
 * came from a rolled-back write), or has waited `holdMs`. Numbers skipped on timeout are re-read
 * for `lateWindowMs` and delivered late if they appear, so a slow transaction loses no event.
 * Events of one record never overtake each other: a later write of a record waits for the row
 * lock of the earlier one, so it takes a larger number after the earlier one committed.
 */
export class SeqGaps {
  private hole: Hole | undefined;
  private readonly late = new Map<number, number>();

  constructor(
    public cursor: number,
    private readonly options: GapOptions,
  ) {}

  /** Whether the next read should fetch snapshot bounds (a hole waits to be resolved). */
  get waiting(): boolean {
    return this.hole !== undefined;
  }

  /** Skipped numbers still worth re-reading. */
  lateSeqs(now: number): number[] {
    for (const [seq, until] of this.late) if (until < now) this.late.delete(seq);
    return [...this.late.keys()];
  }

  /** A late row arrived (or was found): stop looking for it. */
  found(seq: number): void {
    this.late.delete(seq);
  }

  /**
   * Takes rows read after the cursor (ascending) and returns those that may go out now, moving
   * the cursor past them. `bounds` come from the same read when the store can tell them.
   */
  accept(rows: OutboxEntry[], now: number, bounds?: SnapshotBounds): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const row of rows) {
      if (row.seq <= this.cursor) continue;
      if (row.seq === this.cursor + 1) {
        out.push(row);
        this.cursor = row.seq;
        continue;
      }
      if (!this.hole || this.hole.seenBelow <= this.cursor) {
        // A new hole: remember what this read can vouch for, and wait.
        this.hole = {
          since: now,
          seenBelow: rows[rows.length - 1]?.seq ?? row.seq,
          ...(bounds ? { ownersBelow: bounds.xmaxAfter } : {}),
        };
        // The bounds of the read that found it prove nothing yet (its xmin ≤ xmax): wait.
        break;
      }
      const settled =
        bounds !== undefined &&
        this.hole.ownersBelow !== undefined &&
        bounds.xminBefore >= this.hole.ownersBelow &&
        row.seq <= this.hole.seenBelow;
      const expired = now - this.hole.since >= this.options.holdMs;
      if (!settled && !expired) break;
      if (expired && !settled) this.rememberSkipped(this.cursor + 1, row.seq - 1, now);
      out.push(row);
      this.cursor = row.seq;
    }
    if (this.hole && this.hole.seenBelow <= this.cursor) this.hole = undefined;
    return out;
  }

  private rememberSkipped(from: number, to: number, now: number): void {
    for (let seq = from; seq <= to && this.late.size < this.options.maxLate; seq++)
      this.late.set(seq, now + this.options.lateWindowMs);
  }
}
