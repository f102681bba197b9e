// A shop's day in one run: 70 % list pages, 20 % single orders, 10 % new orders, picked at random
// per request. Backroom's memory is sampled while it runs (RSS under load).
import { createRequest } from "./create.mjs";
import { getOneRequest } from "./get-one.mjs";
import { listRequest } from "./list.mjs";

export default {
  name: "mixed",
  describe: "70 % list, 20 % get-one, 10 % create",
  writes: true,
  sampleRss: true,
  load: (seeded) => ({
    headers: { authorization: seeded.token },
    requests: [
      { ...listRequest(seeded), weight: 70 },
      { ...getOneRequest(seeded), weight: 20 },
      { ...createRequest(seeded), weight: 10 },
    ],
  }),
};
