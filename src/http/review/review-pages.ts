// The staff review pages at /review (SPEC §5): sign-in into a signed session cookie, CSRF on
// every form post, a strict Content-Security-Policy, our own assets. Cookies, form bodies and
// CSRF live in this plugin's scope only; the JSON API is unchanged by them.
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyFormbody from "@fastify/formbody";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { loadAnimalReview } from "../../db/review-item-store.js";
import { neighbourAnimals } from "../../db/review-queue-store.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import {
  profileFromForm,
  PROFILE_FORM_FIELDS,
  type ProfileFormFields,
} from "../../review/profile-form.js";
import { readReviewQueue } from "../../review/read-review-queue.js";
import { applyReviewAction, itemRefOf } from "../../review/review-actions.js";
import { rerunItem } from "../../review/rerun-item.js";
import { resolveOrganizationId } from "../../review/resolve-organization.js";
import type { QueueFilter } from "../../review/review-types.js";
import { mapError } from "../error-handler.js";
import type { RouteDeps } from "../route-deps.js";
import { deriveDogPage } from "./dog-page-model.js";
import {
  actionBodySchema,
  dogPageParamsSchema,
  dogPageQuerySchema,
  NOTICES,
  queuePageQuerySchema,
  signInBodySchema,
  type ActionBody,
  type NoticeCode,
} from "./page-schemas.js";
import { DogPage, type DogPageProps } from "./pages/dog-page.js";
import { ErrorPage } from "./pages/error-page.js";
import { QueuePage } from "./pages/queue-page.js";
import { SignInPage } from "./pages/sign-in-page.js";
import { createFilterChoices } from "./filter-choices.js";
import { registerExperimentPages } from "./experiment-pages.js";
import { loadReviewAssets } from "./review-assets.js";
import { dogHref, itemKeyOf, queueHref, safeFrom, type QueueParams } from "./review-urls.js";
import { createStaffKeyring } from "./staff-keyring.js";
import {
  cookieOptions,
  CSRF_COOKIE,
  endStaffSession,
  readStaffSession,
  REVIEW_PATH,
  sessionSecret,
  startStaffSession,
  type StaffSession,
} from "./staff-session.js";

/** No inline script or style, nothing from elsewhere, no framing, forms only to us. */
export const REVIEW_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

const QUEUE_PAGE_SIZE = 50;
const HIDDEN = { hide: true } as const;

declare module "fastify" {
  interface FastifyRequest {
    staff?: StaffSession;
  }
}

async function html(reply: FastifyReply, page: JSX.Element, status = 200): Promise<FastifyReply> {
  return reply
    .status(status)
    .type("text/html; charset=utf-8")
    .send(await page);
}

/** Where sign-in may send the browser afterwards: one of our review pages, nothing else. */
function safeNext(value: string | undefined): string {
  if (value === undefined || !value.startsWith(`${REVIEW_PATH}`) || value.startsWith("//")) {
    return REVIEW_PATH;
  }
  return /[\r\n\\]/.test(value) ? REVIEW_PATH : value;
}

export const reviewPages: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { services } = deps;
  const { config, db } = services;
  const keyring = createStaffKeyring(config);
  const assets = loadReviewAssets();
  const filterChoices = createFilterChoices(db);

  await app.register(fastifyCookie, { secret: sessionSecret(config) });
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    sessionPlugin: "@fastify/cookie",
    cookieKey: CSRF_COOKIE,
    cookieOpts: cookieOptions(),
  });

  app.addHook("onSend", async (_request, reply) => {
    reply.header("content-security-policy", REVIEW_CSP);
    // Pages show unpublished drafts: never cached (the assets set their own policy).
    if (reply.getHeader("cache-control") === undefined) reply.header("cache-control", "no-store");
  });

  app.setErrorHandler(async (error, request, reply) => {
    const code = (error as { code?: unknown }).code;
    const csrf = typeof code === "string" && code.startsWith("FST_CSRF");
    const mapped = mapError(error, request.id);
    const status = csrf ? 403 : mapped.status;
    if (status >= 500) request.log.error({ err: error }, "review page failed");
    else request.log.info({ status, code: csrf ? "csrf" : mapped.code }, "review page rejected");
    const message = csrf
      ? "This form has expired or did not come from these pages. Go back, reload the page and try again."
      : mapped.message;
    return html(reply, ErrorPage({ status, message, openDevelopment: keyring.open }), status);
  });

  /** Signed in (or open development), else off to the sign-in page. */
  const requireStaff = async (request: FastifyRequest, reply: FastifyReply) => {
    const staff = readStaffSession(request, keyring);
    if (staff === undefined) {
      const next = request.method === "GET" ? request.url : REVIEW_PATH;
      return reply.redirect(`/review/sign-in?next=${encodeURIComponent(next)}`, 303);
    }
    request.staff = staff;
    return undefined;
  };

  registerExperimentPages(app, { db, openDevelopment: keyring.open, requireStaff, html });

  app.get(
    "/review/assets/:name",
    { schema: { ...HIDDEN, params: z.object({ name: z.string().max(40) }) } },
    async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (!asset) throw new NotFoundError(`No asset ${request.params.name}`);
      return reply
        .type(asset.contentType)
        .header("cache-control", "public, max-age=300")
        .send(asset.body);
    },
  );

  app.get(
    "/review/sign-in",
    { schema: { ...HIDDEN, querystring: z.object({ next: z.string().max(1000).optional() }) } },
    async (request, reply) => {
      if (keyring.open || readStaffSession(request, keyring) !== undefined) {
        return reply.redirect(safeNext(request.query.next), 303);
      }
      const csrfToken = reply.generateCsrf();
      return html(reply, SignInPage({ csrfToken, next: safeNext(request.query.next) }));
    },
  );

  app.post(
    "/review/sign-in",
    {
      preValidation: (request, reply, done) => app.csrfProtection(request, reply, done),
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: { ...HIDDEN, body: signInBodySchema },
    },
    async (request, reply) => {
      const key = request.body.api_key.trim();
      const label = key === "" ? undefined : keyring.identify(key);
      const next = safeNext(request.body.next);
      if (label === undefined) {
        request.log.info("review sign-in refused");
        const csrfToken = reply.generateCsrf();
        return html(
          reply,
          SignInPage({ csrfToken, next, error: "That key is not one of the configured API keys." }),
          401,
        );
      }
      startStaffSession(reply, keyring, label, key);
      request.log.info({ staff: label }, "review sign-in");
      return reply.redirect(next, 303);
    },
  );

  app.post(
    "/review/sign-out",
    {
      preValidation: (request, reply, done) => app.csrfProtection(request, reply, done),
      schema: HIDDEN,
    },
    async (_request, reply) => {
      endStaffSession(reply);
      return reply.redirect("/review/sign-in", 303);
    },
  );

  app.get(
    "/review",
    { preHandler: requireStaff, schema: { ...HIDDEN, querystring: queuePageQuerySchema } },
    async (request, reply) => {
      const q = request.query;
      const params: QueueParams = {
        organization_id: q.organization_id,
        processing_type: q.processing_type,
        language: q.language,
        state: q.state,
        q: q.q,
        after: q.after,
        before: q.before,
      };
      const [view, { organizations, languages }] = await Promise.all([
        readReviewQueue(db, {
          organization: q.organization_id,
          processingType: q.processing_type,
          language: q.language,
          state: q.state,
          search: q.q,
          after: q.after,
          before: q.before,
          limit: QUEUE_PAGE_SIZE,
        }),
        filterChoices(),
      ]);
      return html(
        reply,
        QueuePage({
          view,
          params,
          organizations,
          languages,
          staff: request.staff?.label ?? "",
          openDevelopment: keyring.open,
          csrfToken: reply.generateCsrf(),
          focus: q.focus,
          notice: q.notice === undefined ? undefined : NOTICES[q.notice],
        }),
      );
    },
  );

  const renderDog = async (
    request: FastifyRequest,
    reply: FastifyReply,
    input: {
      animalId: number;
      from: string;
      focus?: string | undefined;
      editOpen?: string | undefined;
      notice?: string | undefined;
      error?: string | undefined;
      draft?: DogPageProps["draft"];
    },
    status = 200,
  ) => {
    const review = await loadAnimalReview(db, input.animalId);
    if (!review) throw new NotFoundError(`Unknown animal: ${input.animalId}`);
    const queue = await queueFilterFrom(input.from);
    const { previous: prev, next } = queue
      ? await neighbourAnimals(db, queue, input.animalId)
      : { previous: undefined, next: undefined };
    const back = input.from === "" ? "/review" : `/review?${input.from}`;
    const page: DogPageProps = {
      review,
      ...deriveDogPage(review, config),
      from: input.from,
      backHref: back,
      prevHref: prev === undefined ? undefined : dogHref(prev, input.from),
      nextHref: next === undefined ? undefined : dogHref(next, input.from),
      staff: request.staff?.label ?? "",
      openDevelopment: keyring.open,
      csrfToken: reply.generateCsrf(),
      focus: input.focus,
      editOpen: input.editOpen,
      ...(input.notice !== undefined && { notice: input.notice }),
      ...(input.error !== undefined && { error: input.error }),
      ...(input.draft !== undefined && { draft: input.draft }),
    };
    return html(reply, DogPage(page), status);
  };

  /** The queue filter a dog page was opened from, for its previous/next links. */
  const queueFilterFrom = async (from: string): Promise<QueueFilter | undefined> => {
    const parsed = queuePageQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(from)));
    if (!parsed.success) return undefined;
    const q = parsed.data;
    const organizationId =
      q.organization_id === undefined
        ? undefined
        : await resolveOrganizationId(db, q.organization_id).catch(() => undefined);
    return {
      state: q.state,
      ...(organizationId !== undefined && { organizationId }),
      ...(q.processing_type !== undefined && { processingType: q.processing_type }),
      ...(q.language !== undefined && { targetLanguage: q.language }),
      ...(q.q !== undefined && { search: q.q }),
    };
  };

  app.get(
    "/review/animals/:id",
    {
      preHandler: requireStaff,
      schema: { ...HIDDEN, params: dogPageParamsSchema, querystring: dogPageQuerySchema },
    },
    async (request, reply) => {
      const q = request.query;
      return renderDog(request, reply, {
        animalId: request.params.id,
        from: safeFrom(q.from),
        focus: q.focus,
        editOpen: q.edit === undefined ? undefined : q.focus,
        notice: q.notice === undefined ? undefined : NOTICES[q.notice],
      });
    },
  );

  app.post(
    "/review/animals/:id/actions",
    {
      preHandler: requireStaff,
      preValidation: (request, reply, done) => app.csrfProtection(request, reply, done),
      ...(deps.postRateLimit && {
        config: {
          rateLimit: {
            max: deps.postRateLimit.max * 5,
            timeWindow: deps.postRateLimit.timeWindowMs,
          },
        },
      }),
      schema: { ...HIDDEN, params: dogPageParamsSchema, body: actionBodySchema },
    },
    async (request, reply) => {
      const body = request.body;
      const animalId = request.params.id;
      const from = safeFrom(body.from);
      const actor = { label: request.staff?.label ?? "", via: "page" as const };
      const focus = itemKeyOf(body.processing_type, body.target_language);
      const done = (notice: NoticeCode) =>
        body.return_to === "queue"
          ? reply.redirect(
              queueHref(Object.fromEntries(new URLSearchParams(from)), {
                notice,
                focus: `${animalId}:${focus}`,
              }),
              303,
            )
          : reply.redirect(
              `${dogHref(animalId, from, { type: body.processing_type, language: body.target_language })}&notice=${notice}`,
              303,
            );
      try {
        if (body.action === "rerun") {
          const ref = itemRefOf({
            animalId,
            processingType: body.processing_type,
            targetLanguage: body.target_language,
          });
          const outcome = await rerunItem({ db, pipeline: services.pipeline }, actor, ref, {
            replaceStaffEdits: body.replace_staff_edits === "true",
          });
          return done(`rerun_${outcome.status}`);
        }
        const outcome = await applyReviewAction(db, actor, {
          animalId,
          processingType: body.processing_type,
          targetLanguage: body.target_language,
          action: body.action,
          text:
            body.action === "edit" && body.processing_type !== "dog_profiler"
              ? (body.text ?? "")
              : undefined,
          profile:
            body.action === "edit" && body.processing_type === "dog_profiler"
              ? profileFromForm(body)
              : undefined,
          reason: body.reason,
        });
        if (body.action === "edit")
          return done(outcome.findings.length > 0 ? "edited_with_findings" : "edited");
        return done(body.action === "approve" ? "approved" : "rejected");
      } catch (error) {
        // A bad edit or a reject without reason: the same page again, saying what is wrong,
        // with what was typed still in the form.
        if (!(error instanceof ValidationError)) throw error;
        return renderDog(
          request,
          reply,
          {
            animalId,
            from,
            focus,
            error: error.message,
            ...(body.action === "edit" && { draft: draftOf(body, focus), editOpen: focus }),
          },
          400,
        );
      }
    },
  );
};

function draftOf(body: ActionBody, key: string): NonNullable<DogPageProps["draft"]> {
  if (body.processing_type !== "dog_profiler") return { key, text: body.text ?? "" };
  const profile = Object.fromEntries(
    PROFILE_FORM_FIELDS.map((f) => [f, body[f] ?? ""]),
  ) as unknown as ProfileFormFields;
  return { key, profile };
}
