// The one place that maps errors to HTTP status (SPEC §5). 4xx bodies say what was wrong;
// 5xx bodies carry only the request id — the detail goes to the log (which redacts secrets).
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import {
  AppError,
  BudgetExceededError,
  DatabaseUnavailableError,
  FeatureDisabledError,
  LlmError,
  type LlmErrorCategory,
  NotFoundError,
  QueueUnavailableError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from "../errors.js";
import { TranslationRejectedError } from "./translation-rejected-error.js";
import type { ErrorBody } from "./schemas/error-schemas.js";

/** Provider failures a client can only wait out; they answer 503 with Retry-After. */
const PROVIDER_UNAVAILABLE: ReadonlySet<LlmErrorCategory> = new Set([
  "auth",
  "payment_required",
  "timeout",
  "rate_limited",
  "provider_unavailable",
  "network",
]);

/** Retry-After when the cause gives none (seconds). */
const DEFAULT_RETRY_AFTER_SECONDS = 30;

interface Mapped {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  readonly retryAfterSeconds?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export function mapError(error: unknown, requestId: string): Mapped {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const where = (error as { validationContext?: string }).validationContext ?? "body";
    const field = fieldOf(first, where);
    return {
      status: 400,
      code: "invalid_input",
      field,
      message: `${field}: ${first?.message ?? "is invalid"}`,
    };
  }
  if (error instanceof ValidationError) {
    return {
      status: 400,
      code: error.code,
      message: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
    };
  }
  if (error instanceof UnauthorizedError) {
    return {
      status: 401,
      code: error.code,
      message: error.message,
      headers: { "www-authenticate": "Bearer" },
    };
  }
  if (error instanceof FeatureDisabledError)
    return { status: 403, code: error.code, message: error.message };
  if (error instanceof TranslationRejectedError)
    return { status: 422, code: error.code, message: error.message };
  if (error instanceof NotFoundError)
    return { status: 404, code: error.code, message: error.message };
  if (error instanceof RateLimitedError) {
    return {
      status: 429,
      code: error.code,
      message: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (error instanceof LlmError && PROVIDER_UNAVAILABLE.has(error.category)) {
    // The provider's own text may name its URL; say only what kind of outage it is.
    return {
      status: 503,
      code: "provider_unavailable",
      message: `The LLM provider is unavailable (${error.category}); retry later`,
      retryAfterSeconds:
        error.retryAfterMs === undefined
          ? DEFAULT_RETRY_AFTER_SECONDS
          : Math.max(1, Math.ceil(error.retryAfterMs / 1000)),
    };
  }
  if (error instanceof DatabaseUnavailableError || error instanceof QueueUnavailableError) {
    return {
      status: 503,
      code: error.code,
      message: `Service temporarily unavailable (${error.code}); retry later (request id ${requestId})`,
      retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS,
    };
  }
  if (error instanceof BudgetExceededError) {
    // Our own message: spend and budget, nothing internal.
    return { status: 503, code: error.code, message: error.message };
  }
  const fastifyError = fastifyClientError(error);
  if (fastifyError) return fastifyError;
  return {
    status: 500,
    code: "internal_error",
    message: `Internal error; the server log has the details under request id ${requestId}`,
  };
}

/** Fastify's own 4xx errors (body parsing, content type, size, 404 route). */
function fastifyClientError(error: unknown): Mapped | undefined {
  if (error instanceof AppError || typeof error !== "object" || error === null) return undefined;
  const { code, statusCode } = error as Partial<FastifyError>;
  if (typeof statusCode !== "number" || statusCode < 400 || statusCode >= 500) return undefined;
  switch (code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return {
        status: 413,
        code: "payload_too_large",
        field: "body",
        message: "body: larger than the 1 MB limit",
      };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return {
        status: statusCode,
        code: statusCode === 415 ? "unsupported_media_type" : "bad_request",
        field: "content-type",
        message: "content-type: must be application/json",
      };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return {
        status: 400,
        code: "invalid_input",
        field: "body",
        message: "body: must be a JSON object",
      };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return {
        status: 400,
        code: "invalid_input",
        field: "body",
        message: "body: is not valid JSON",
      };
    default:
      if (statusCode === 429)
        return {
          status: 429,
          code: "rate_limited",
          message: "Too many requests",
          retryAfterSeconds: 1,
        };
      // JSON.parse failures surface as a SyntaxError with statusCode 400.
      if (error instanceof SyntaxError) {
        return {
          status: 400,
          code: "invalid_input",
          field: "body",
          message: "body: is not valid JSON",
        };
      }
      return {
        status: statusCode,
        code: "bad_request",
        message: "The request could not be processed",
      };
  }
}

function fieldOf(
  issue: { instancePath: string; params: Record<string, unknown> } | undefined,
  where: string,
): string {
  if (!issue) return where;
  const path = issue.instancePath.split("/").filter((part) => part.length > 0);
  // Unknown keys are reported on their parent; name the key itself.
  const keys = issue.params.keys;
  if (Array.isArray(keys) && typeof keys[0] === "string") path.push(keys[0]);
  // Name the field, not its index: "animal_ids", not "animal_ids/3".
  const named = path.filter((part) => !/^\d+$/.test(part));
  return named.length > 0 ? named.join(".") : where;
}

export function errorBody(mapped: Mapped): ErrorBody {
  return {
    error: {
      code: mapped.code,
      message: mapped.message,
      ...(mapped.field === undefined ? {} : { field: mapped.field }),
    },
  };
}

export function handleError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const mapped = mapError(error, request.id);
  if (mapped.status >= 500) {
    request.log.error({ err: error, code: mapped.code }, "request failed");
  } else {
    request.log.info(
      { code: mapped.code, status: mapped.status, field: mapped.field },
      "request rejected",
    );
  }
  if (mapped.retryAfterSeconds !== undefined)
    reply.header("retry-after", String(mapped.retryAfterSeconds));
  for (const [name, value] of Object.entries(mapped.headers ?? {})) reply.header(name, value);
  // A handler may have set a content type before failing; the error body is always JSON.
  return reply
    .status(mapped.status)
    .type("application/json; charset=utf-8")
    .send(errorBody(mapped));
}
