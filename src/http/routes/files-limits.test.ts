import { readFileSync } from "node:fs";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFilesCollection, eventually, storedKeys } from "../../files/test-support/files-fixture.js";
import { type ServerProcess, type ServerSite, serverSite } from "../../files/test-support/server-process.js";
import { sharedS3Server, storageMatrix } from "../../files/test-support/storage-matrix.js";
import { type StreamUploadOptions, streamUpload } from "../../files/test-support/streaming-upload.js";
import { countRecords, expectErrorBody, raw } from "../../test-support/api.js";
import { SUPERUSER } from "../../test-support/server.js";
import { REFUSED_BODY_LINGER } from "../plugins/multipart-body.js";

const MB = 1024 * 1024;
const GB = 1024 * MB;
/** The `big` field's maxSize (files-fixture). */
const LIMIT = 10 * MB;
/** Memory a refused upload may add to the server: an S3 part (8 MB) and its copy, with room to spare. */
const MEMORY_BOUND = 48 * MB;
/** What else the server reads meanwhile (parser read-ahead, database pages, S3 answers). */
const SLACK = 6 * MB;

/** The most a loopback connection can hold in flight: the kernel's largest send and receive buffers. */
function socketBufferMax(): number {
  const max = (name: string) =>
    Number(readFileSync(`/proc/sys/net/ipv4/${name}`, "utf8").trim().split(/\s+/)[2]);
  return max("tcp_rmem") + max("tcp_wmem");
}

const s3 = sharedS3Server();

// The server runs in a process of its own, so its memory is measured alone (VmRSS), not mixed
// with the test runner's and the client's.
describe.each(await storageMatrix())(
  "upload limits and disconnects (%s, %s storage)",
  (kind, storageKind) => {
    let site: ServerSite;
    let server: ServerProcess;
    let su: PocketBase;
    let coll: { name: string; id: string };

    beforeAll(async () => {
      site = await serverSite(kind, storageKind, storageKind === "s3" ? s3() : undefined);
      server = await site.start();
      su = new PocketBase(server.url);
      su.autoCancellation(false);
      await su.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
      coll = await createFilesCollection(su, (await su.collections.getOne("users")).id);
    });
    afterAll(() => site?.dispose());

    const upload = (fileBytes: number, more: Partial<StreamUploadOptions> = {}) =>
      streamUpload({
        url: `${server.url}/api/collections/${coll.name}/records`,
        field: "big",
        fileBytes,
        token: su.authStore.token,
        ...more,
      });
    const nothingStored = async () =>
      (await storedKeys(site.storage, ".tmp/")).length === 0 &&
      (await storedKeys(site.storage, `${coll.id}/`)).length === 0;

    /** Sends 1 GB (never more than 64 kB of it in the client's memory), watching the server meanwhile. */
    async function oneGigabyte(opts: Partial<StreamUploadOptions>) {
      // Once over the limit first, so what is measured next is what the size adds, not warm-up.
      expect((await upload(LIMIT + MB, { declareLength: opts.declareLength })).status).toBe(400);
      const readBefore = server.bytesRead();
      const baseline = server.rss();
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, server.rss());
      }, 5);
      const result = await upload(GB, opts);
      clearInterval(sampler);
      peak = Math.max(peak, server.rss());
      return { result, serverRead: server.bytesRead() - readBefore, growth: peak - baseline };
    }

    /**
     * The server read up to the limit (a declared gigabyte: nothing, it is refused by its length)
     * and, after its answer, at most a bounded drain.
     */
    function expectBoundedServer(
      { serverRead, growth }: { serverRead: number; growth: number },
      declared: boolean | undefined,
    ) {
      if (!declared) expect(serverRead).toBeGreaterThan(LIMIT);
      expect(serverRead).toBeLessThan((declared ? 0 : LIMIT) + REFUSED_BODY_LINGER.bytes + SLACK);
      expect(growth, `server RSS grew by ${(growth / MB).toFixed(1)} MB`).toBeLessThan(MEMORY_BOUND);
    }

    async function expectNothingLeft() {
      expect(await countRecords(su, coll.name)).toBe(0);
      expect(await eventually(nothingStored)).toBe(true);
      expect((await raw(server.url, "/api/health")).status).toBe(200);
    }

    it.each([
      ["declared (Content-Length)", true],
      ["chunked", false],
    ])(
      "refuses a 1 GB upload %s at the limit with a clean 4xx; the client stops soon after",
      {
        timeout: 120_000,
      },
      async (_label, declareLength) => {
        const measured = await oneGigabyte({ declareLength });
        const { result } = measured;
        if (declareLength) {
          // Longer than the body limit plus all the collection's files may add: refused by its length.
          expect(result.status, `the server's answer (connection: ${result.error ?? "no error"})`).toBe(413);
          expectErrorBody(result.body, 413);
        } else {
          expect(result.status, `the server's answer (connection: ${result.error ?? "no error"})`).toBe(400);
          expectErrorBody(result.body, 400);
          expect((result.body as { data: { big?: { code?: string } } }).data.big?.code).toBe(
            "validation_file_size_limit",
          );
        }
        // The client stopped at the answer: past the limit it sent what the server drained and what
        // the kernels' socket buffers held.
        expect(result.sent).toBeLessThan(LIMIT + REFUSED_BODY_LINGER.bytes + socketBufferMax() + SLACK);
        expectBoundedServer(measured, declareLength);
        await expectNothingLeft();
      },
    );

    it.each([
      ["declared (Content-Length)", true],
      ["chunked", false],
    ])(
      "cuts off a client that goes on sending its 1 GB %s after the answer",
      {
        timeout: 120_000,
      },
      async (_label, declareLength) => {
        const measured = await oneGigabyte({ declareLength, ignoreAnswer: true });
        // Only the server can stop this client, and it does long before the gigabyte is through. (The
        // answer was sent, but a client still writing may miss it when the connection is reset.)
        expect(measured.result.cutByServer).toBe(true);
        expect(measured.result.sent).toBeLessThan(
          LIMIT + REFUSED_BODY_LINGER.bytes + socketBufferMax() + SLACK,
        );
        expectBoundedServer(measured, declareLength);
        await expectNothingLeft();
      },
    );

    it("leaves nothing visible when the client disconnects mid-upload", async () => {
      const result = await upload(LIMIT - MB, {
        abortAfter: LIMIT - 2 * MB,
        // Disconnect once the server is storing the part: past one S3 part (8 MB), or once the local
        // or database temp object exists.
        beforeAbort: () =>
          storageKind !== "s3"
            ? eventually(async () => (await storedKeys(site.storage, ".tmp/")).length > 0)
            : new Promise((r) => setTimeout(r, 200)),
      });
      expect(result.error).toBe("aborted by client");
      await expectNothingLeft();
    });
  },
);
