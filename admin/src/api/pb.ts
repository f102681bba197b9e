import PocketBase, { LocalAuthStore } from "pocketbase";

/**
 * The admin's one client: the official `pocketbase` SDK on this origin, so the admin exercises
 * Backroom's PocketBase compatibility itself. The signed-in superuser (token and record) stays in
 * localStorage under the admin's own key, so a reload stays signed in.
 */
export const pb = new PocketBase("/", new LocalAuthStore("backroom.admin.auth"));

// Screens load side by side and may ask for the same list twice; the SDK would cancel the first.
pb.autoCancellation(false);

// A 401 to a request that carried the session's token: it expired or was revoked, so sign out.
pb.afterSend = (response, data) => {
  if (response.status === 401 && pb.authStore.token) pb.authStore.clear();
  return data;
};
