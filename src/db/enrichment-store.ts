// SQL behind the pipeline's EnrichmentStore port: candidate selection with keyset
// pagination and leased claims, and set-based result writes.
import type { ReviewMode } from "../config.js";
import type {
  CallLogRow,
  CandidateFilter,
  CandidateTotals,
  EnrichmentStore,
  ItemWrite,
  SettledTotals,
  WorkItem,
} from "../enrichment/pipeline/enrichment-store.js";
import type {
  ProcessingTypeDefinition,
  ResultColumn,
} from "../enrichment/processing-types/processing-type-definition.js";
import type { PromptVariant } from "../enrichment/experiments/prompt-variant.js";
import type { SourceFields } from "../enrichment/processing-types/source-fields.js";
import type { Database, Queryable } from "./database.js";
import { insertProcessingLogs, processingLogsInsert } from "./processing-log-store.js";
import { itemKey, recordCandidates } from "./review-publishing.js";
import { inOpenBatchSql } from "./batch-held-claims.js";
import { registerRun, sweepDeadRuns } from "./run-registry.js";

// The source an item's result is made from, hashed in SQL so that selection can compare it
// with the stored hash without loading rows. Organization overrides are part of the source:
// changing them redoes the work — except review_mode, which decides publishing, not output.
// Fields are joined with a unit separator so they cannot blur. llm_source_hash() in migration
// 010 computes the same hash for the review triggers (test/db/review-migration.test.ts).
// An experiment arm's prompt version (xa.prompt_version, see VARIANT_JOINS) is the last field:
// concat_ws skips it when NULL, so items outside experiments hash as before, and
// llm_source_hash()'s `variant` argument (migration 012) computes the same.
const SOURCE_SQL: Readonly<Record<SourceFields, string>> = {
  listing: `concat_ws(E'\\x1f', a.name, coalesce(a.breed, ''), coalesce(a.age_text, ''),
  coalesce(a.sex, ''), coalesce(a.size, ''), coalesce(a.language, ''),
  coalesce(a.properties->>'description', ''), coalesce((o.llm_config - 'review_mode')::text, ''),
  xa.prompt_version)`,
  display_text: `concat_ws(E'\\x1f', a.name, t.lang,
  coalesce(a.enriched_description, a.properties->>'description', ''), coalesce((o.llm_config - 'review_mode')::text, ''),
  xa.prompt_version)`,
};

/**
 * The prompt variant of each candidate (migration 012): its arm in the running experiment of
 * the type, when its organization takes part (bucket = llm_experiment_bucket(experiment,
 * animal), the arm owns [bucket_start, bucket_end)); else the type's promoted default; else
 * none (the built-in prompt). Joins on tables of a few rows; the bucket is hashed once per
 * candidate, and only while an experiment of the type runs (bench: a count of 100,000
 * candidates took 0.27 s instead of 0.17 s without an experiment, 0.8 s with one running).
 */
const VARIANT_JOINS = `LEFT JOIN LATERAL (
      SELECT ex.id, llm_experiment_bucket(ex.id, a.id) AS bucket
      FROM llm_experiments ex
      WHERE ex.processing_type = $1 AND ex.status = 'running'
        AND (ex.organization_id IS NULL OR ex.organization_id = a.organization_id)
    ) ex ON true
    LEFT JOIN llm_experiment_arms xa
      ON xa.experiment_id = ex.id AND ex.bucket >= xa.bucket_start AND ex.bucket < xa.bucket_end
    LEFT JOIN llm_prompt_versions dv
      ON dv.processing_type = $1 AND dv.is_default AND xa.experiment_id IS NULL`;

const VARIANT_COLUMNS = `xa.experiment_id, xa.name AS arm,
           coalesce(xa.prompt_version, dv.prompt_version) AS variant_prompt_version,
           CASE WHEN xa.experiment_id IS NOT NULL THEN xa.system_text ELSE dv.system_text END AS system_text,
           CASE WHEN xa.experiment_id IS NOT NULL THEN xa.temperature ELSE dv.temperature END AS variant_temperature,
           CASE WHEN xa.experiment_id IS NOT NULL THEN xa.model ELSE dv.model END AS variant_model`;

/** The narrative a type reads (source-fields.ts `sourceText`): only items with one are candidates. */
const SOURCE_TEXT_SQL: Readonly<Record<SourceFields, string>> = {
  listing: "coalesce(a.properties->>'description', '')",
  display_text: "coalesce(a.enriched_description, a.properties->>'description', '')",
};

/**
 * A skip for the listing's status (listing-status.ts) stands only while the status is the one
 * it was skipped for: a listing back up for adoption is taken again.
 */
const STATUS_CHANGED_SQL = `(e.status = 'skipped' AND e.flags->>0 = 'listing_inactive'
  AND NOT e.flags @> jsonb_build_array('listing_status:' || lower(btrim(coalesce(a.status, '')))))`;

/** The single-value result columns: written only on success, so a failure keeps the old value. */
const VALUE_SQL: Readonly<Record<Exclude<ResultColumn, "translations">, string>> = {
  enriched_description:
    "enriched_description = CASE WHEN u.ok THEN u.value #>> '{}' ELSE a.enriched_description END",
  dog_profiler_data: "dog_profiler_data = CASE WHEN u.ok THEN u.value ELSE a.dog_profiler_data END",
};

interface CandidateRow {
  id: number;
  lang: string;
  source_hash: string;
  name: string;
  breed: string | null;
  age_text: string | null;
  sex: string | null;
  size: string | null;
  language: string | null;
  description: string | null;
  enriched_description: string | null;
  llm_config: unknown;
  experiment_id: number | null;
  arm: string | null;
  variant_prompt_version: string | null;
  system_text: string | null;
  variant_temperature: number | null;
  variant_model: string | null;
  listing_status: string | null;
}

function variantOf(row: CandidateRow): PromptVariant | undefined {
  if (row.variant_prompt_version === null) return undefined;
  return {
    promptVersion: row.variant_prompt_version,
    instructions: row.system_text,
    temperature: row.variant_temperature,
    model: row.variant_model,
    experiment:
      row.experiment_id === null || row.arm === null
        ? null
        : { id: Number(row.experiment_id), arm: row.arm },
  };
}

function toWorkItem(row: CandidateRow): WorkItem {
  return {
    animalId: row.id,
    targetLanguage: row.lang,
    sourceHash: row.source_hash,
    name: row.name,
    breed: row.breed,
    ageText: row.age_text,
    sex: row.sex,
    size: row.size,
    language: row.language,
    description: row.description,
    enrichedDescription: row.enriched_description,
    organizationConfig: row.llm_config,
    variant: variantOf(row),
    listingStatus: row.listing_status,
  };
}

/**
 * A claim is free when nobody holds it, when it is the owner's own, when its run is not
 * registered as live (run-registry.ts sweeps the dead ones), or — the backstop — when its
 * lease ran out without renewal.
 */
const CLAIM_FREE = `(e.claimed_by IS NULL OR e.claimed_by = $7 OR e.claim_expires_at < now()
  OR (NOT EXISTS (SELECT 1 FROM llm_runs r WHERE r.run_id = e.claimed_by)
      AND NOT ${inOpenBatchSql("e")}))`;

/** The prompt version an item runs with: its experiment arm's, its type's promoted default, or $3. */
const ITEM_PROMPT_VERSION_SQL = "coalesce(xa.prompt_version, dv.prompt_version, $3)";

function sourceHashSql(definition: ProcessingTypeDefinition): string {
  return `encode(sha256(convert_to(${SOURCE_SQL[definition.sourceFields]}, 'UTF8')), 'hex')`;
}

/**
 * A filter's scope: its animals × target languages that have source text, each with its result
 * row `e` (and its variant's tables). Parameters as candidateSql's.
 */
function scopeSql(definition: ProcessingTypeDefinition): string {
  return `FROM animals a
    JOIN organizations o ON o.id = a.organization_id
    CROSS JOIN unnest($2::text[]) AS t(lang)
    ${VARIANT_JOINS}
    LEFT JOIN llm_enrichments e
      ON e.animal_id = a.id AND e.processing_type = $1 AND e.target_language = t.lang
    WHERE ($4::int IS NULL OR a.organization_id = $4::int)
      AND ($5::int[] IS NULL OR a.id = ANY($5::int[]))
      AND ${SOURCE_TEXT_SQL[definition.sourceFields]} <> ''`;
}

/**
 * A page starts after the last key of the one before. The row comparison alone is a filter
 * applied after the join with the target languages; `a.id >=` makes it where the index scan of
 * animals starts, so a page reads its own rows rather than every animal before them.
 */
const AFTER_KEY_SQL = "AND a.id >= $8::int AND (a.id, t.lang) > ($8::int, $9::text)";

/**
 * Parameters: $1 type, $2 languages, $3 prompt version, $4 organization id, $5 ids, $6 force,
 * $7 owner (whose own claims count as free); further ones are appended by callers.
 * `held`: select instead the candidates another live run holds.
 */
function candidateSql(
  definition: ProcessingTypeDefinition,
  tail: string,
  maxItemAttempts: number = Number.MAX_SAFE_INTEGER,
  held = false,
): string {
  const hash = sourceHashSql(definition);
  return `
    SELECT a.id, t.lang, ${hash} AS source_hash, a.name, a.breed, a.age_text, a.sex, a.size,
           a.language, a.properties->>'description' AS description, a.enriched_description,
           o.llm_config, a.status AS listing_status,
           length(${SOURCE_TEXT_SQL[definition.sourceFields]}) AS source_chars,
           ${VARIANT_COLUMNS}
    ${scopeSql(definition)}
      AND ${held ? `NOT ${CLAIM_FREE}` : CLAIM_FREE}
      AND ($6::boolean
           OR e.status IS NULL
           OR e.status NOT IN ('succeeded', 'skipped')
           OR e.prompt_version IS DISTINCT FROM ${ITEM_PROMPT_VERSION_SQL}
           OR e.source_hash IS DISTINCT FROM ${hash}
           OR ${STATUS_CHANGED_SQL})
      -- LLM_MAX_ITEM_ATTEMPTS: failed its checks this often for this source and prompt: wait.
      AND ($6::boolean
           OR e.status IS DISTINCT FROM 'failed'
           OR e.check_failures < ${Math.max(1, Math.floor(maxItemAttempts))}
           OR e.prompt_version IS DISTINCT FROM ${ITEM_PROMPT_VERSION_SQL}
           OR e.source_hash IS DISTINCT FROM ${hash})
    ${tail}`;
}

/** Parameters as candidateSql's ($7 unused here: every live claim counts as another run's). */
function settledSql(definition: ProcessingTypeDefinition): string {
  const hash = sourceHashSql(definition);
  const held = "(e.claimed_by IS NOT NULL AND e.claim_expires_at >= now() AND e.claimed_by <> $7)";
  return `
    SELECT (count(*) FILTER (WHERE NOT coalesce(${held}, false) AND NOT $6::boolean
                              AND e.status IN ('succeeded', 'skipped')
                              AND e.prompt_version = ${ITEM_PROMPT_VERSION_SQL}
                              AND e.source_hash = ${hash}
                              AND NOT ${STATUS_CHANGED_SQL}))::int AS up_to_date
    ${scopeSql(definition)}`;
}

function baseParams(filter: CandidateFilter, owner: string): unknown[] {
  return [
    filter.definition.name,
    filter.targetLanguages,
    filter.definition.promptVersion,
    filter.organizationId ?? null,
    filter.animalIds ? [...filter.animalIds] : null,
    filter.force,
    owner,
  ];
}

export interface EnrichmentStoreOptions {
  /** REVIEW_MODE: whether a successful output is published at once or waits for approval. */
  readonly reviewMode?: ReviewMode;
  /** LLM_MAX_ITEM_ATTEMPTS (default: no limit). */
  readonly maxItemAttempts?: number;
}

export function createEnrichmentStore(
  db: Database,
  options: EnrichmentStoreOptions = {},
): EnrichmentStore {
  const reviewMode = options.reviewMode ?? "off";
  const max = options.maxItemAttempts;
  const candidates = (definition: ProcessingTypeDefinition, tail: string) =>
    candidateSql(definition, tail, max);
  return {
    startRun: (runId) => registerRun(db, runId),

    async countHeld(filter, owner) {
      await sweepDeadRuns(db);
      const rows = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (${candidateSql(filter.definition, "", max, true)}) c`,
        baseParams(filter, owner),
      );
      return rows[0]?.n ?? 0;
    },

    async countCandidates(filter): Promise<CandidateTotals> {
      await sweepDeadRuns(db);
      const sql = `SELECT count(*)::int AS items, coalesce(sum(c.source_chars), 0)::float8 AS chars
        FROM (${candidates(filter.definition, "")}) c`;
      const rows = await db.query<{ items: number; chars: number }>(sql, baseParams(filter, ""));
      return { items: rows[0]?.items ?? 0, sourceChars: rows[0]?.chars ?? 0 };
    },

    async countSettled(filter): Promise<SettledTotals> {
      const rows = await db.query<{ up_to_date: number }>(
        settledSql(filter.definition),
        baseParams(filter, ""),
      );
      return { upToDate: rows[0]?.up_to_date ?? 0 };
    },

    async peekCandidates(filter, after, limit) {
      const rows = await db.query<CandidateRow>(
        candidates(filter.definition, `${AFTER_KEY_SQL} ORDER BY a.id, t.lang LIMIT $10`),
        [...baseParams(filter, ""), after?.animalId ?? 0, after?.targetLanguage ?? "", limit],
      );
      return rows.map(toWorkItem);
    },

    async sampleCandidates(filter, limit) {
      const rows = await db.query<CandidateRow>(
        candidates(filter.definition, "ORDER BY a.id, t.lang LIMIT $8"),
        [...baseParams(filter, ""), limit],
      );
      return rows.map(toWorkItem);
    },

    async listCandidateKeys(filter, limit) {
      const rows = await db.query<{ id: number; lang: string }>(
        `SELECT c.id, c.lang FROM (${candidates(filter.definition, "ORDER BY a.id, t.lang LIMIT $8")}) c
         ORDER BY c.id, c.lang`,
        [...baseParams(filter, ""), limit],
      );
      return rows.map((row) => ({ animalId: Number(row.id), targetLanguage: row.lang }));
    },

    async claimCandidates(filter, after, limit, owner, leaseMs) {
      await sweepDeadRuns(db);
      // One statement, one round trip: row locks keep two runs from selecting the same
      // animals at the same moment, and the lease recorded with them keeps the runs apart
      // after the statement ends. Only the items this run won come back.
      const rows = await db.query<CandidateRow>(
        `WITH c AS MATERIALIZED (
           ${candidates(filter.definition, `${AFTER_KEY_SQL} ORDER BY a.id, t.lang LIMIT $10 FOR UPDATE OF a SKIP LOCKED`)}
         ),
         won AS (
           INSERT INTO llm_enrichments (animal_id, processing_type, target_language, claimed_by, claim_expires_at)
           SELECT c.id, $1, c.lang, $7, now() + make_interval(secs => $11::float8 / 1000)
           FROM c
           ON CONFLICT (animal_id, processing_type, target_language) DO UPDATE
             SET claimed_by = EXCLUDED.claimed_by, claim_expires_at = EXCLUDED.claim_expires_at
             WHERE llm_enrichments.claimed_by IS NULL
                OR llm_enrichments.claim_expires_at < now()
                OR llm_enrichments.claimed_by = EXCLUDED.claimed_by
                OR (NOT EXISTS (SELECT 1 FROM llm_runs r WHERE r.run_id = llm_enrichments.claimed_by)
                    AND NOT ${inOpenBatchSql("llm_enrichments")})
           RETURNING animal_id, target_language
         )
         SELECT c.* FROM c JOIN won ON won.animal_id = c.id AND won.target_language = c.lang
         ORDER BY c.id, c.lang`,
        [
          ...baseParams(filter, owner),
          after?.animalId ?? 0,
          after?.targetLanguage ?? "",
          limit,
          leaseMs,
        ],
        { prepare: true },
      );
      return rows.map(toWorkItem);
    },

    async renewClaims(owner, leaseMs) {
      await db.query("UPDATE llm_runs SET heartbeat_at = now() WHERE run_id = $1", [owner]);
      await db.query(
        // greatest(): a claim held for a live provider batch keeps the batch's expiry.
        `UPDATE llm_enrichments
            SET claim_expires_at = greatest(claim_expires_at, now() + make_interval(secs => $2::float8 / 1000))
         WHERE claimed_by = $1`,
        [owner, leaseMs],
      );
    },

    async releaseClaims(owner) {
      await db.query(
        // Items in a provider batch still open stay claimed: a rerun resumes that batch, and
        // no other run may submit (and pay for) them again meanwhile.
        `UPDATE llm_enrichments e SET claimed_by = NULL, claim_expires_at = NULL
          WHERE e.claimed_by = $1 AND NOT ${inOpenBatchSql("e")}`,
        [owner],
      );
    },

    async writeResults(definition, batches, logs) {
      const promptVersions = new Map<string, string>();
      for (const batch of batches)
        for (const w of batch)
          promptVersions.set(itemKey(w.animalId, w.targetLanguage), w.promptVersion);
      const logRows = logs.map((log) => ({
        ...log,
        promptVersion:
          log.animalId === null
            ? null
            : (promptVersions.get(itemKey(log.animalId, log.targetLanguage ?? "")) ?? null),
      }));
      await db.transaction(async (tx) => {
        // The call log goes in with the first batch's state rows, in the same statement.
        let unlogged: readonly CallLogRow[] = logRows;
        for (const batch of batches) {
          if (batch.length === 0) continue;
          await writeState(tx, definition, batch, unlogged);
          unlogged = [];
          // The publishing gate: which successes reach the animals columns now.
          const published = await recordCandidates(tx, definition.name, batch, reviewMode);
          await writeAnimals(tx, definition, batch, published);
        }
        await insertProcessingLogs(tx, unlogged);
      });
    },
  };
}

/** The batch's state rows; `logs`, when given, are inserted by the same statement. */
async function writeState(
  tx: Queryable,
  definition: ProcessingTypeDefinition,
  batch: readonly ItemWrite[],
  logs: readonly CallLogRow[],
): Promise<void> {
  const logged = logs.length > 0 ? processingLogsInsert(logs, 13) : undefined;
  await tx.query(
    `${logged ? `WITH logged AS (${logged.sql})\n` : ""}INSERT INTO llm_enrichments (animal_id, processing_type, target_language, status, source_hash,
        prompt_version, model, flags, error, attempts, processed_at, check_failures,
        experiment_id, experiment_arm)
     SELECT u.animal_id, $9, u.lang, u.status, u.source_hash, u.prompt_version, u.model,
            u.flags::jsonb, u.error, 1, now(), CASE WHEN u.check_failed THEN 1 ELSE 0 END,
            u.experiment_id, u.experiment_arm
     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $10::boolean[],
                 $11::int[], $12::text[])
       AS u(animal_id, lang, status, source_hash, prompt_version, model, flags, error, check_failed,
            experiment_id, experiment_arm)
     ON CONFLICT (animal_id, processing_type, target_language) DO UPDATE SET
       status = EXCLUDED.status, source_hash = EXCLUDED.source_hash,
       prompt_version = EXCLUDED.prompt_version, model = EXCLUDED.model, flags = EXCLUDED.flags,
       error = EXCLUDED.error, attempts = llm_enrichments.attempts + 1,
       experiment_id = EXCLUDED.experiment_id, experiment_arm = EXCLUDED.experiment_arm,
       processed_at = EXCLUDED.processed_at, claimed_by = NULL, claim_expires_at = NULL,
       -- Failed checks in a row for the same source and prompt; a provider failure neither
       -- counts nor resets, a success or a changed source/prompt starts over.
       check_failures = CASE
         WHEN EXCLUDED.status <> 'failed' THEN 0
         WHEN llm_enrichments.source_hash IS DISTINCT FROM EXCLUDED.source_hash
           OR llm_enrichments.prompt_version IS DISTINCT FROM EXCLUDED.prompt_version
           THEN EXCLUDED.check_failures
         ELSE llm_enrichments.check_failures + EXCLUDED.check_failures END`,
    [
      batch.map((w) => w.animalId),
      batch.map((w) => w.targetLanguage),
      batch.map((w) => w.status),
      batch.map((w) => w.sourceHash),
      batch.map((w) => w.promptVersion),
      batch.map((w) => w.model),
      batch.map((w) => JSON.stringify(w.flags)),
      batch.map((w) => w.error),
      definition.name,
      batch.map((w) => w.status === "failed" && w.providerError === undefined),
      batch.map((w) => w.experiment?.id ?? null),
      batch.map((w) => w.experiment?.arm ?? null),
      ...(logged?.params ?? []),
    ],
    { prepare: true },
  );
}

/**
 * Result columns change only for the successes the publishing gate lets through
 * (`published`), so a failure never replaces a good earlier value and, under
 * REVIEW_MODE=required, an unreviewed output never reaches them.
 */
async function writeAnimals(
  tx: Queryable,
  definition: ProcessingTypeDefinition,
  batch: readonly ItemWrite[],
  published: ReadonlySet<string>,
): Promise<void> {
  const publish = (w: ItemWrite) =>
    w.status === "succeeded" && published.has(itemKey(w.animalId, w.targetLanguage));
  const params = [
    batch.map((w) => w.animalId),
    batch.map((w) => w.targetLanguage),
    batch.map((w) => w.status),
    batch.map((w) => (publish(w) ? JSON.stringify(w.value) : null)),
    batch.map((w) => w.model),
    batch.map((w) => JSON.stringify(w.flags)),
    definition.name,
    batch.map(publish),
  ];
  const unnest = `unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $8::boolean[])
    AS r(animal_id, lang, status, value, model, flags, publish)`;
  const flagObject = `jsonb_build_object('status', r.status, 'flags', r.flags::jsonb, 'at', now())`;
  const column = definition.resultColumn;
  switch (column) {
    case "translations":
      // Several languages of one animal arrive together: fold them into one update per animal.
      return writeTranslations(tx, params, unnest, flagObject);
    case "enriched_description":
    case "dog_profiler_data":
      return writeValue(tx, params, unnest, flagObject, VALUE_SQL[column]);
  }
}

async function writeTranslations(
  tx: Queryable,
  params: unknown[],
  unnest: string,
  flagObject: string,
): Promise<void> {
  await tx.query(
    `UPDATE animals a SET
         translations = CASE WHEN u.ok THEN coalesce(a.translations, '{}'::jsonb) || u.texts ELSE a.translations END,
         llm_processed_at = CASE WHEN u.ok THEN now() ELSE a.llm_processed_at END,
         -- A translation that needed no call has no model: it never blanks the one that served.
         llm_model_used = CASE WHEN u.ok THEN coalesce(u.model, a.llm_model_used) ELSE a.llm_model_used END,
         llm_processing_flags = coalesce(a.llm_processing_flags, '{}'::jsonb)
           || jsonb_build_object($7::text,
                coalesce(a.llm_processing_flags->$7::text, '{}'::jsonb) || u.flags)
       FROM (
         SELECT r.animal_id,
                bool_or(r.publish) AS ok,
                coalesce(jsonb_object_agg(r.lang, r.value::jsonb #>> '{}') FILTER (WHERE r.publish), '{}'::jsonb) AS texts,
                max(r.model) FILTER (WHERE r.publish) AS model,
                jsonb_object_agg(r.lang, ${flagObject}) AS flags
         FROM ${unnest}
         GROUP BY r.animal_id
       ) u
       WHERE a.id = u.animal_id`,
    params,
    { prepare: true },
  );
}

async function writeValue(
  tx: Queryable,
  params: unknown[],
  unnest: string,
  flagObject: string,
  valueSql: string,
): Promise<void> {
  await tx.query(
    `UPDATE animals a SET
       ${valueSql},
       llm_processed_at = CASE WHEN u.ok THEN now() ELSE a.llm_processed_at END,
       llm_model_used = CASE WHEN u.ok THEN coalesce(u.model, a.llm_model_used) ELSE a.llm_model_used END,
       llm_processing_flags = coalesce(a.llm_processing_flags, '{}'::jsonb) || jsonb_build_object($7::text, u.flag)
     FROM (
       SELECT r.animal_id, r.publish AS ok, r.value::jsonb AS value, r.model,
              ${flagObject} AS flag
       FROM ${unnest}
     ) u
     WHERE a.id = u.animal_id`,
    params,
    { prepare: true },
  );
}

export type { CallLogRow };
