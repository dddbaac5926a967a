// `rescue-llm serve`: the HTTP API on HOST:PORT until Ctrl-C / SIGTERM, then a graceful stop:
// stop accepting, let in-flight requests finish, close the services (database pool, queue).
import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { openServices } from "../composition-root.js";
import { openDatabase } from "../db/open-database.js";
import { assertApiKeysConfigured, postRoutesOpen } from "../http/api-key-auth.js";
import { buildApp } from "../http/build-app.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

export function registerServe(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("serve")
    .description("Serve the HTTP API on HOST:PORT (docs at /docs, OpenAPI at /openapi.json)")
    .action(async () => {
      const config = loadConfig(io.env);
      // Before opening anything: production without API_KEYS is refused (exit 2).
      assertApiKeysConfigured(config);
      if (postRoutesOpen(config)) {
        writeLine(io.stderr, "");
        writeLine(
          io.stderr,
          "WARNING ***************************************************************",
        );
        writeLine(
          io.stderr,
          "WARNING  API_KEYS is not set: the POST routes (which spend LLM money) and",
        );
        writeLine(
          io.stderr,
          "WARNING  the review pages at /review are open to anyone who can reach this",
        );
        writeLine(io.stderr, "WARNING  server. Development only —");
        writeLine(io.stderr, "WARNING  set API_KEYS=<key>[,<key>…] before exposing it.");
        writeLine(
          io.stderr,
          "WARNING ***************************************************************",
        );
        writeLine(io.stderr, "");
      }
      // The embedded database is shared with CLI commands run meanwhile (through a socket).
      const db = await openDatabase(config, { shareEmbedded: true });
      // Jobs run in this process without REDIS_URL; with it, they go to the workers.
      const services = await openServices(config, { db }).catch(async (error: unknown) => {
        await db.close();
        throw error;
      });
      try {
        const app = await buildApp(services);
        if (io.signal.aborted) {
          await app.close();
          setExit(EXIT.ok);
          return;
        }
        await app.listen({ host: config.host, port: config.port });
        const address = app.server.address();
        const where =
          typeof address === "object" && address !== null
            ? `${hostForUrl(address.address)}:${address.port}`
            : String(address);
        writeLine(
          io.stdout,
          `rescue-llm API listening on http://${where} (docs: http://${where}/docs)`,
        );
        if (config.databaseUrl === undefined) {
          writeLine(
            io.stdout,
            `Embedded database ${config.dataDir}: CLI commands run meanwhile share it through this server.`,
          );
        }
        await new Promise<void>((resolve) => {
          if (io.signal.aborted) resolve();
          else io.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        writeLine(io.stderr, "Shutting down: no new connections; finishing requests in flight…");
        // close() stops accepting at once and resolves when in-flight requests are answered.
        await app.close();
        writeLine(io.stderr, "Stopped.");
        setExit(EXIT.ok);
      } finally {
        await services.close();
        await db.close();
      }
    });
}

function hostForUrl(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}
