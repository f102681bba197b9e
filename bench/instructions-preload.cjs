// Preloaded (node --require) only into the server that bench/instructions.mjs runs under callgrind,
// started with --expose-gc: on SIGUSR2 it collects all garbage and says so on stderr. The bench
// does this before each measured window, so every window starts from the same heap (empty new
// space, no major GC half-way due) instead of paying for garbage left by the requests before it.
// Product code never sees this file.
process.on("SIGUSR2", () => {
  globalThis.gc();
  process.stderr.write("instructions-preload: gc done\n");
});
