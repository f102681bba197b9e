// Resumable (tus) uploads against a multipart upload of the same file to the same record field, on
// one `backroom serve` (SQLite, local folder): median time and MB/s per way, and each way's ratio
// to multipart in the same run (the machine's load varies; the ratio is what counts).
// `node bench/tus-upload.mjs [--mb 32] [--rounds 5]` after `npm run build`.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Upload } from "tus-js-client";
import { serveAsSuperuser } from "./superuser-server.mjs";

const { values } = parseArgs({
  options: { mb: { type: "string", default: "32" }, rounds: { type: "string", default: "5" } },
});
const MB = 1024 * 1024;
const size = Number(values.mb) * MB;
const rounds = Number(values.rounds);

const dir = mkdtempSync(join(tmpdir(), "backroom-bench-tus-"));
const server = await serveAsSuperuser(["--dir", dir]);
const { pb, url } = server;
try {
  await pb.collections.create({
    name: "clips",
    type: "base",
    fields: [{ name: "video", type: "file", maxSelect: 1, maxSize: size * 2 }],
  });
  const record = await pb.collection("clips").create({});
  const file = randomBytes(size);

  const tus = (chunkSize) =>
    new Promise((resolve, reject) => {
      const upload = new Upload(file, {
        endpoint: `${url}/api/tus/`,
        headers: { Authorization: pb.authStore.token },
        metadata: { collection: "clips", field: "video", recordId: record.id, filename: "clip.bin" },
        ...(chunkSize ? { chunkSize } : {}),
        retryDelays: null,
        onSuccess: resolve,
        onError: reject,
      });
      upload.start();
    });
  const ways = {
    multipart: () => pb.collection("clips").update(record.id, { video: new Blob([file]) }),
    "tus, one PATCH": () => tus(undefined),
    "tus, 5 MiB chunks": () => tus(5 * MB),
  };
  const results = {};
  for (const [name, run] of Object.entries(ways)) {
    await run(); // warm-up
    const times = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    results[name] = times[Math.floor(times.length / 2)];
  }
  console.log(
    `${values.mb} MiB file, median of ${rounds}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  for (const [name, ms] of Object.entries(results)) {
    const ratio = ms / results.multipart;
    console.log(
      `${name.padEnd(18)} ${ms.toFixed(0).padStart(6)} ms  ${((size / MB / ms) * 1000).toFixed(1).padStart(6)} MB/s  ×${ratio.toFixed(2)} multipart's time`,
    );
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
