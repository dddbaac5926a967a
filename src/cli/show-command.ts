// `rescue-llm show <id|external_id> [-o org] [--json]`: a dog's listing and every result side
// by side, with review state, provenance and why an attempt failed.
import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/open-database.js";
import {
  findAnimalSource,
  findAnimalsByExternalId,
  loadAnimalReview,
} from "../db/review-item-store.js";
import type { DogProfile } from "../enrichment/dog-profile-schema.js";
import { cleanSourceText } from "../enrichment/input/clean-source-text.js";
import { processingTypeDefinition } from "../enrichment/processing-types/processing-types.js";
import { translationSourceText } from "../enrichment/translation-source.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { animalEnrichmentJson } from "../http/review/review-json.js";
import { effectiveReviewMode } from "../review/review-mode.js";
import {
  versionInEffect,
  type AnimalReview,
  type AnimalSourceRecord,
  type ReviewItem,
} from "../review/review-types.js";
import { animalSourceOf } from "../review/staff-edit-checks.js";
import type { CommandIo } from "./command-context.js";
import { writeLine } from "./command-context.js";
import { EXIT } from "./exit-codes.js";

const LABELS = {
  description_cleaning: "Cleaned description",
  dog_profiler: "Profile",
  translation: "Translation",
} as const;

/** Words wrapped to `width` columns; paragraphs kept. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter((w) => w !== "")) {
      for (let rest = word; rest.length > 0;) {
        const room = line === "" ? width : width - line.length - 1;
        if (rest.length <= room) {
          line = line === "" ? rest : `${line} ${rest}`;
          rest = "";
        } else if (line !== "") {
          lines.push(line);
          line = "";
        } else {
          lines.push(rest.slice(0, width));
          rest = rest.slice(width);
        }
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Two columns side by side, `width` characters each, separated by " │ ". */
export function sideBySide(
  left: readonly string[],
  right: readonly string[],
  width: number,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    out.push(`${(left[i] ?? "").padEnd(width)} │ ${right[i] ?? ""}`.trimEnd());
  }
  return out;
}

function stateLine(item: ReviewItem): string {
  const current = versionInEffect(item);
  const parts = [item.reviewState?.replace("_", " ") ?? "no result"];
  parts.push(
    current !== undefined && item.published?.id === current.id
      ? "published"
      : item.published
        ? "older version published"
        : "not published",
  );
  if (item.staff) parts.push("staff edit");
  if (item.stale) parts.push("stale");
  if (item.flagged) parts.push("flagged");
  if (item.attemptStatus === "failed") parts.push("last attempt failed");
  return parts.join(" · ");
}

function resultLines(item: ReviewItem, width: number): string[] {
  const current = versionInEffect(item);
  const lines: string[] = [];
  if (current === undefined) lines.push("(no result)");
  else if (item.processingType === "dog_profiler") {
    const p = current.value as DogProfile;
    lines.push(...wrap(`“${p.tagline}”`, width), ...wrap(p.bio, width), "");
    lines.push(...wrap(`Looking for: ${p.looking_for}`, width));
    for (const e of p.evidence ?? [])
      lines.push(...wrap(`• ${e.field}: ${e.claim} — “${e.quote}”`, width));
    lines.push(
      ...wrap(
        `dogs ${p.good_with_dogs} · cats ${p.good_with_cats} · children ${p.good_with_children}`,
        width,
      ),
    );
  } else
    lines.push(
      ...wrap(
        typeof current.value === "string" ? current.value : JSON.stringify(current.value),
        width,
      ),
    );
  if (current) {
    const made =
      current.origin === "staff"
        ? `staff edit by ${current.createdBy ?? "?"}`
        : current.origin === "legacy"
          ? "from before review"
          : `model ${current.model ?? "?"} · prompt ${current.promptVersion ?? "?"}`;
    lines.push("", ...wrap(`${made} · ${current.createdAt.toISOString().slice(0, 16)}`, width));
    const flags = current.flags.filter((f) => !f.startsWith("source_language:"));
    if (flags.length > 0) lines.push(...wrap(`flags: ${flags.join("; ")}`, width));
  }
  if (item.attemptStatus === "failed")
    lines.push(...wrap(`last attempt failed: ${item.attemptFlags.join("; ")}`, width));
  if (item.reviewReason !== null)
    lines.push(
      ...wrap(`${item.reviewState} by ${item.reviewedBy ?? "?"}: ${item.reviewReason}`, width),
    );
  return lines;
}

export function renderShow(review: AnimalReview, totalWidth: number, reviewMode: string): string[] {
  const { animal } = review;
  const column = Math.max(30, Math.floor((totalWidth - 3) / 2));
  const { source } = animalSourceOf(animal);
  const listing = cleanSourceText(source.description);
  const out: string[] = [];
  const facts = [animal.breed, animal.ageText, animal.sex, animal.size].filter(
    (v) => v && v.trim() !== "",
  );
  out.push(
    `${animal.name || "(no name)"} — #${animal.id}${animal.externalId ? ` (${animal.externalId})` : ""}, ${animal.organizationName}`,
  );
  if (facts.length > 0) out.push(facts.join(" · "));
  out.push(`review mode: ${reviewMode}`);
  if (review.items.length === 0) {
    out.push("", ...wrap(listing || "(no description)", totalWidth), "", "No results yet.");
    return out;
  }
  for (const item of review.items) {
    const label =
      item.targetLanguage === ""
        ? LABELS[item.processingType]
        : `${LABELS[item.processingType]} (${item.targetLanguage})`;
    out.push("", `${"─".repeat(column)}─┼─${"─".repeat(column)}`);
    const readsDisplayText =
      processingTypeDefinition(item.processingType).sourceFields === "display_text";
    const left = readsDisplayText ? cleanSourceText(translationSourceText(source)) : listing;
    out.push(
      ...sideBySide(
        [readsDisplayText ? "Source" : "Listing", ""],
        [label, stateLine(item)],
        column,
      ),
    );
    out.push(
      ...sideBySide(
        ["", ...wrap(left || "(no description)", column)],
        ["", ...resultLines(item, column)],
        column,
      ),
    );
  }
  return out;
}

async function resolveAnimal(
  db: Parameters<typeof findAnimalSource>[0],
  key: string,
  organization: string | undefined,
): Promise<AnimalSourceRecord> {
  if (/^\d{1,9}$/.test(key) && organization === undefined) {
    const byId = await findAnimalSource(db, Number(key));
    if (byId) return byId;
  }
  const matches = await findAnimalsByExternalId(db, key, organization);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new ValidationError(
      `external_id "${key}" exists in several organizations (${matches.map((m) => m.organizationConfigId ?? m.organizationId).join(", ")}); pick one with -o`,
      "organization",
    );
  }
  throw new NotFoundError(
    `No animal with id or external_id "${key}"${organization ? ` in ${organization}` : ""}`,
  );
}

export function registerShow(
  program: Command,
  io: CommandIo,
  setExit: (code: number) => void,
): void {
  program
    .command("show <id|external_id>")
    .description("Show a dog's listing and every result side by side, with review state")
    .option("-o, --organization <config_id>", "the organization, when an external_id is not unique")
    .option("--json", "print the published results as GET /api/animals/:id/enrichment does")
    .action(async (key: string, options: { organization?: string; json?: boolean }) => {
      const config = loadConfig(io.env);
      const db = await openDatabase(config);
      try {
        const animal = await resolveAnimal(db, key, options.organization);
        const review = await loadAnimalReview(db, animal.id);
        if (!review) throw new NotFoundError(`No animal ${animal.id}`);
        const mode = effectiveReviewMode(animal.organizationConfig, config.reviewMode);
        if (options.json) {
          writeLine(io.stdout, JSON.stringify(animalEnrichmentJson(review, mode)));
        } else {
          const width = Math.min(
            Math.max(
              io.stdout.isTTY ? ((io.stdout as { columns?: number }).columns ?? 120) : 120,
              64,
            ),
            200,
          );
          for (const line of renderShow(review, width, mode)) writeLine(io.stdout, line);
        }
      } finally {
        await db.close();
      }
      setExit(EXIT.ok);
    });
}
