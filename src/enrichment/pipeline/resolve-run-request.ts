// The one place a request is checked and completed: feature switched on, organization and
// animals exist, limit and batch size valid, target languages only where the type fans out,
// defaults applied. The CLI, the HTTP routes and both queue adapters parse their input into a
// RunRequest and call this; the pipeline only ever runs the plan it returns.
import { SUPPORTED_LANGUAGES, type Config, type LanguageCode } from "../../config.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import type { ProcessingTypeDefinition } from "../processing-types/processing-type-definition.js";
import {
  assertFeatureEnabled,
  PROCESSING_TYPE_DEFINITIONS,
  processingTypeDefinition,
} from "../processing-types/processing-types.js";
import type { CandidateFilter } from "./enrichment-store.js";
import type { ListingDirectory, OrganizationKey, OrganizationRef } from "./listing-directory.js";
import { RESOLVED, type RequestFieldNames, type RunPlan, type RunRequest } from "./run-request.js";

export interface ResolveDeps {
  readonly config: Config;
  readonly directory: ListingDirectory;
}

/** The names RunRequest itself uses; edges pass their own (`--batch-size`, `batch_size`). */
const DEFAULT_FIELD_NAMES: RequestFieldNames = {
  organization: "organization",
  animalIds: "animalIds",
  targetLanguages: "targetLanguages",
  limit: "limit",
  batchSize: "batchSize",
  replaceStaffEdits: "replaceStaffEdits",
};

/** Unknown animals listed in a 404 message before "and N more". */
const LISTED_UNKNOWN_ANIMALS = 10;

export async function resolveRunRequest(
  deps: ResolveDeps,
  request: RunRequest,
  fieldNames: Partial<RequestFieldNames> = {},
): Promise<RunPlan> {
  const { config } = deps;
  const field = { ...DEFAULT_FIELD_NAMES, ...fieldNames };
  const definition = processingTypeDefinition(request.processingType);
  assertFeatureEnabled(config, definition);
  if (request.organization !== undefined && request.animalIds !== undefined) {
    throw new ValidationError(
      `${field.animalIds}: give either ${field.organization} or ${field.animalIds}, not both`,
      field.animalIds,
    );
  }
  const targetLanguages = resolveTargetLanguages(config, definition, request, field);
  const limit = request.limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new ValidationError(`${field.limit}: must be a positive whole number`, field.limit);
  }
  const batchSize = request.batchSize ?? config.batch.defaultSize;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > config.batch.maxSize) {
    throw new ValidationError(
      `${field.batchSize}: must be a whole number from 1 to ${config.batch.maxSize} (LLM_BATCH_MAX_SIZE)`,
      field.batchSize,
    );
  }
  const replaceStaffEdits = request.replaceStaffEdits ?? false;
  if (replaceStaffEdits && request.force !== true) {
    throw new ValidationError(
      `${field.replaceStaffEdits}: only with force (a forced rerun that replaces staff edits)`,
      field.replaceStaffEdits,
    );
  }
  const animalIds =
    request.animalIds === undefined
      ? undefined
      : await resolveAnimalIds(deps.directory, request.animalIds, field.animalIds);
  const organization =
    request.organization === undefined
      ? undefined
      : await resolveOrganization(deps.directory, request.organization);
  const transport =
    request.mode ?? ({ off: "sync", on: "batch", auto: "auto" } as const)[config.batchApi.mode];
  if (transport === "batch" && config.llm.defaultModel === "openrouter/auto") {
    throw new ValidationError(
      "The Batch API runs one named model per batch: set LLM_DEFAULT_MODEL to a model id (not openrouter/auto)",
      "LLM_DEFAULT_MODEL",
    );
  }
  return {
    [RESOLVED]: true,
    transport,
    definition,
    organization,
    animalIds,
    targetLanguages,
    limit,
    batchSize,
    force: request.force ?? false,
    replaceStaffEdits,
  };
}

/** The organization `ref` names, or NotFoundError (CLI exit 2, HTTP 404). */
export async function resolveOrganization(
  directory: ListingDirectory,
  ref: OrganizationRef,
): Promise<OrganizationKey> {
  const organization = await directory.findOrganization(ref);
  if (organization === undefined) throw new NotFoundError(`Unknown organization: ${ref}`);
  return organization;
}

/** What the store selects for a plan: its type, animals and languages, as claims see them. */
export function candidateFilter(plan: RunPlan): CandidateFilter {
  return {
    definition: plan.definition,
    targetLanguages: plan.definition.fansOutOverLanguages ? plan.targetLanguages : [""],
    organizationId: plan.organization?.id,
    animalIds: plan.animalIds,
    force: plan.force,
  };
}

function resolveTargetLanguages(
  config: Config,
  definition: ProcessingTypeDefinition,
  request: RunRequest,
  field: RequestFieldNames,
): LanguageCode[] {
  const requested = request.targetLanguages;
  if (!definition.fansOutOverLanguages) {
    if (requested === undefined) return [];
    const fanningOut = Object.values(PROCESSING_TYPE_DEFINITIONS)
      .filter((d) => d.fansOutOverLanguages)
      .map((d) => d.name);
    throw new ValidationError(
      `${field.targetLanguages}: only applies to ${fanningOut.join(", ")}, not to ${definition.name}`,
      field.targetLanguages,
    );
  }
  const languages = [...new Set(requested ?? config.translationLanguages)].sort();
  const unsupported = languages.filter(
    (code) => !(SUPPORTED_LANGUAGES as readonly string[]).includes(code),
  );
  if (languages.length === 0 || unsupported.length > 0) {
    throw new ValidationError(
      `${field.targetLanguages}: must name ISO 639-1 codes from ${SUPPORTED_LANGUAGES.join(",")}` +
        (unsupported.length > 0 ? `; unknown: ${unsupported.join(",")}` : ""),
      field.targetLanguages,
    );
  }
  return languages;
}

async function resolveAnimalIds(
  directory: ListingDirectory,
  requested: readonly number[],
  field: string,
): Promise<number[]> {
  const ids = [...new Set(requested)];
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id < 1)) {
    throw new ValidationError(`${field}: must list positive whole animal ids`, field);
  }
  const missing = await directory.findMissingAnimalIds(ids);
  if (missing.length > 0) {
    const shown = missing.slice(0, LISTED_UNKNOWN_ANIMALS).join(", ");
    const more =
      missing.length > LISTED_UNKNOWN_ANIMALS
        ? ` and ${missing.length - LISTED_UNKNOWN_ANIMALS} more`
        : "";
    throw new NotFoundError(
      missing.length === 1 ? `Unknown animal: ${shown}` : `Unknown animals: ${shown}${more}`,
    );
  }
  return ids.sort((a, b) => a - b);
}
