// Routes name the app object by this path; it is defined with the app (src/app/services.ts).
export type { Services } from "../app/services.js";
