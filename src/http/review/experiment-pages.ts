// The review app's experiment pages: /review/experiments (the list) and
// /review/experiments/:id (verdict, chart, metrics). Registered inside the review pages'
// scope, so sign-in, CSP and the error page are theirs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Database } from "../../db/database.js";
import { listExperiments, loadExperimentReport } from "../../db/experiment-store.js";
import { ExperimentListPage, ExperimentPage } from "./pages/experiment-page.js";

export interface ExperimentPageDeps {
  readonly db: Database;
  readonly openDevelopment: boolean;
  readonly requireStaff: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  readonly html: (reply: FastifyReply, page: JSX.Element) => Promise<FastifyReply>;
}

export function registerExperimentPages(app: FastifyInstance, deps: ExperimentPageDeps): void {
  const hide = { hide: true } as const;
  app.get(
    "/review/experiments",
    { preHandler: deps.requireStaff, schema: hide },
    async (request, reply) =>
      deps.html(
        reply,
        ExperimentListPage({
          experiments: await listExperiments(deps.db),
          staff: request.staff?.label ?? "",
          openDevelopment: deps.openDevelopment,
          csrfToken: reply.generateCsrf(),
        }),
      ),
  );
  app.get(
    "/review/experiments/:id",
    {
      preHandler: deps.requireStaff,
      schema: {
        ...hide,
        params: z.object({
          id: z.coerce
            .number()
            .int()
            .min(1)
            .max(2 ** 31 - 1),
        }),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: number };
      return deps.html(
        reply,
        ExperimentPage({
          report: await loadExperimentReport(deps.db, id),
          staff: request.staff?.label ?? "",
          openDevelopment: deps.openDevelopment,
          csrfToken: reply.generateCsrf(),
        }),
      );
    },
  );
}
