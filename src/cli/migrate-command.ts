import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { migrate } from "../db/migrate.js";
import { openDatabase } from "../db/open-database.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

export function registerMigrate(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("migrate")
    .description("Apply pending database migrations")
    .action(async () => {
      const db = await openDatabase(loadConfig(io.env), { migrate: false });
      try {
        const { applied } = await migrate(db);
        if (applied.length === 0) writeLine(io.stdout, "Database schema is up to date.");
        else for (const name of applied) writeLine(io.stdout, `applied ${name}`);
      } finally {
        await db.close();
      }
      setExit(EXIT.ok);
    });
}
