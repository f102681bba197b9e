import type { RecordModel } from "pocketbase";
import { pb } from "./pb";

/** The signed-in superuser, as the screens read it (the SDK's auth store holds it). */
export interface Superuser {
  id: string;
  email: string;
}

export const session = {
  token: (): string => pb.authStore.token,
  user: (): Superuser | null => pb.authStore.record as Superuser | null,
  /** Keeps a token and record the API gave outside the SDK's own sign-in (first-run setup). */
  signIn: (token: string, record: RecordModel) => pb.authStore.save(token, record),
  clear: () => pb.authStore.clear(),
  /** Calls `listener` on every sign-in and sign-out; returns the unsubscribe function. */
  subscribe: (listener: () => void): (() => void) => pb.authStore.onChange(() => listener()),
};
