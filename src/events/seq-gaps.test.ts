import { describe, expect, it } from "vitest";
import type { OutboxEntry } from "./outbox.js";
import { SeqGaps } from "./seq-gaps.js";

const rows = (...seqs: number[]) => seqs.map((seq) => ({ seq }) as OutboxEntry);
const seqsOf = (entries: OutboxEntry[]) => entries.map((e) => e.seq);
const options = { holdMs: 1000, lateWindowMs: 10_000, maxLate: 100 };

describe("SeqGaps", () => {
  it("hands out contiguous rows and moves the cursor", () => {
    const gaps = new SeqGaps(10, options);
    expect(seqsOf(gaps.accept(rows(11, 12, 13), 0))).toEqual([11, 12, 13]);
    expect(gaps.cursor).toBe(13);
    expect(gaps.waiting).toBe(false);
  });

  it("holds rows behind a hole until it fills", () => {
    const gaps = new SeqGaps(10, options);
    expect(seqsOf(gaps.accept(rows(11, 13, 14), 0))).toEqual([11]);
    expect(gaps.waiting).toBe(true);
    expect(seqsOf(gaps.accept(rows(13, 14), 100))).toEqual([]);
    expect(seqsOf(gaps.accept(rows(12, 13, 14), 200))).toEqual([12, 13, 14]);
    expect(gaps.waiting).toBe(false);
  });

  it("skips a hole after holdMs and delivers its row late if it commits then", () => {
    const gaps = new SeqGaps(10, options);
    gaps.accept(rows(12), 0);
    expect(seqsOf(gaps.accept(rows(12), 999))).toEqual([]);
    expect(seqsOf(gaps.accept(rows(12), 1000))).toEqual([12]);
    expect(gaps.lateSeqs(1000)).toEqual([11]);
    gaps.found(11);
    expect(gaps.lateSeqs(1001)).toEqual([]);
  });

  it("forgets skipped numbers after the late window", () => {
    const gaps = new SeqGaps(10, options);
    gaps.accept(rows(12), 0);
    gaps.accept(rows(12), 1000);
    expect(gaps.lateSeqs(11_001)).toEqual([]);
  });

  it("on PostgreSQL, skips a hole at once when every transaction that could own it has ended", () => {
    const gaps = new SeqGaps(10, options);
    expect(seqsOf(gaps.accept(rows(12, 13), 0, { xminBefore: 0n, xmaxAfter: 500n }))).toEqual([]);
    // Transaction 499 may still run: wait.
    expect(seqsOf(gaps.accept(rows(12, 13), 10, { xminBefore: 499n, xmaxAfter: 510n }))).toEqual([]);
    // Everything below 500 ended and 11 is still missing: it was rolled back. No late re-reads.
    expect(seqsOf(gaps.accept(rows(12, 13, 15), 20, { xminBefore: 500n, xmaxAfter: 520n }))).toEqual([
      12, 13,
    ]);
    expect(gaps.lateSeqs(20)).toEqual([]);
    // 14 is a new hole, first seen in that last read: it waits on its own bounds.
    expect(gaps.waiting).toBe(true);
    expect(seqsOf(gaps.accept(rows(15), 30, { xminBefore: 520n, xmaxAfter: 530n }))).toEqual([15]);
  });
});
