import type { HookEntry } from "./hook-chain.js";
import type { HookEvents, HookName, HookRegistry } from "./hook-registry.js";
import { compileRoutePath } from "./route-path.js";
import type { Handler, HooksApp, HooksAppData, Middleware } from "./types.js";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"]);

/**
 * The `app` a hooks file's setup function receives: registration into `registry`, labelled with
 * the file, on top of data access. Nothing takes effect until the registry is made the live one.
 */
export function createHooksApp(registry: HookRegistry, data: HooksAppData, file: string): HooksApp {
  const on =
    <N extends HookName>(name: N, method: string) =>
    (handler: Handler<HookEvents[N]>, ...collections: string[]) => {
      if (typeof handler !== "function") throw new TypeError(`${method}: the handler must be a function`);
      const entry: HookEntry<HookEvents[N]> = { fn: handler, label: `${file}: ${method}`, collections };
      registry.add(name, entry);
    };

  return {
    ...data,
    onRecordValidate: on("recordValidate", "onRecordValidate"),
    onRecordCreate: on("recordCreate", "onRecordCreate"),
    onRecordUpdate: on("recordUpdate", "onRecordUpdate"),
    onRecordDelete: on("recordDelete", "onRecordDelete"),
    onRecordAfterCreateSuccess: on("recordAfterCreateSuccess", "onRecordAfterCreateSuccess"),
    onRecordAfterUpdateSuccess: on("recordAfterUpdateSuccess", "onRecordAfterUpdateSuccess"),
    onRecordAfterDeleteSuccess: on("recordAfterDeleteSuccess", "onRecordAfterDeleteSuccess"),
    onRecordAfterCreateError: on("recordAfterCreateError", "onRecordAfterCreateError"),
    onRecordAfterUpdateError: on("recordAfterUpdateError", "onRecordAfterUpdateError"),
    onRecordAfterDeleteError: on("recordAfterDeleteError", "onRecordAfterDeleteError"),
    onRecordCreateRequest: on("recordCreateRequest", "onRecordCreateRequest"),
    onRecordUpdateRequest: on("recordUpdateRequest", "onRecordUpdateRequest"),
    onRecordDeleteRequest: on("recordDeleteRequest", "onRecordDeleteRequest"),
    onRecordViewRequest: on("recordViewRequest", "onRecordViewRequest"),
    onRecordsListRequest: on("recordsListRequest", "onRecordsListRequest"),
    onRecordAuthRequest: on("recordAuthRequest", "onRecordAuthRequest"),

    routerAdd(method, path, handler, ...middlewares) {
      const m = method.toUpperCase();
      if (!METHODS.has(m)) throw new TypeError(`routerAdd: unknown method "${method}"`);
      if (typeof handler !== "function") throw new TypeError("routerAdd: the handler must be a function");
      registry.routes.push({
        method: m,
        path: compileRoutePath(path),
        handler,
        middlewares,
        label: `${file}: routerAdd ${m} ${path}`,
      });
    },
    requireAuth:
      (...collections: string[]): Middleware =>
      async (e) => {
        if (!e.auth) return e.unauthorized();
        if (collections.length > 0 && !collections.includes(e.auth.collectionName))
          e.forbidden("This route is not open to your account type.");
        await e.next();
      },
    requireSuperuser: (): Middleware => async (e) => {
      if (!e.auth) return e.unauthorized();
      if (!e.auth.isSuperuser) e.forbidden("Only superusers can perform this action.");
      await e.next();
    },

    cronAdd(id, expression, fn) {
      if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(id)) throw new TypeError(`cronAdd: invalid id "${id}"`);
      if (registry.crons.some((c) => c.id === id)) throw new TypeError(`cronAdd: "${id}" is added already`);
      if (typeof fn !== "function") throw new TypeError("cronAdd: the job must be a function");
      registry.crons.push({ id, expression, fn, label: `${file}: cronAdd ${id}` });
    },

    jobs: {
      ...data.jobs,
      define(name, handler) {
        if (registry.jobs.some((j) => j.name === name))
          throw new TypeError(`jobs.define: "${name}" is defined already`);
        registry.jobs.push({ name, handler: handler as never });
      },
    },
  };
}
