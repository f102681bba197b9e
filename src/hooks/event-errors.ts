import { ApiError, type IssueMap } from "../errors/api-error.js";
import type { HookErrors } from "./types.js";

/** The throwing helpers every event carries (`e.badRequest(…)` and friends). */
export const eventErrors: HookErrors = {
  badRequest(message = "Something went wrong while processing your request.", data: IssueMap = {}): never {
    throw new ApiError(400, message, data);
  },
  unauthorized(message = "The request requires valid authorization token."): never {
    throw new ApiError(401, message);
  },
  forbidden(message = "You are not allowed to perform this request."): never {
    throw new ApiError(403, message);
  },
  notFound(message = "The requested resource wasn't found."): never {
    throw new ApiError(404, message);
  },
  error(status: number, message: string, data: IssueMap = {}): never {
    const code = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
    throw new ApiError(code, message, data);
  },
};
