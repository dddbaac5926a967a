// The publishing gate on the pipeline's write path: every successful output becomes a
// version and the item's candidate; it takes effect unless a staff version stands (kept
// unless the run was forced to replace it), and it is published only where the review mode
// is `off`. Called inside the pipeline's write transaction (src/db/enrichment-store.ts).
import type { ProcessingType, ReviewMode } from "../config.js";
import type { ItemWrite } from "../enrichment/pipeline/enrichment-store.js";
import type { Queryable } from "./database.js";

/** Key of one item in a batch: animal id and target language. */
export function itemKey(animalId: number, targetLanguage: string): string {
  return `${animalId}\u001f${targetLanguage}`;
}

/**
 * Records the succeeded items of `batch` as versions and candidates; returns the keys of the
 * items whose new value is to be published now (the caller writes the animals columns).
 */
export async function recordCandidates(
  tx: Queryable,
  type: ProcessingType,
  batch: readonly ItemWrite[],
  defaultMode: ReviewMode,
): Promise<Set<string>> {
  const succeeded = batch.filter((w) => w.status === "succeeded");
  if (succeeded.length === 0) return new Set();
  const rows = await tx.query<{ animal_id: number; target_language: string; publish: boolean }>(
    `WITH u AS (
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::text[], $8::boolean[], $11::int[], $12::text[])
         AS u(animal_id, lang, value, source_hash, prompt_version, model, flags, replace_staff,
              experiment_id, experiment_arm)
     ),
     v AS (
       -- An experiment arm's prompt version is in its source hash (migration 012).
       INSERT INTO llm_result_versions (animal_id, processing_type, target_language, origin, value,
                                        source_hash, prompt_version, model, flags,
                                        experiment_id, experiment_arm, source_variant)
       SELECT u.animal_id, $9, u.lang, 'pipeline', u.value::jsonb, u.source_hash, u.prompt_version,
              u.model, u.flags::jsonb, u.experiment_id, u.experiment_arm,
              CASE WHEN u.experiment_id IS NOT NULL THEN u.prompt_version END
       FROM u
       RETURNING id, animal_id, target_language, source_hash, flags, source_variant
     ),
     s AS (
       SELECT v.id, v.animal_id, v.target_language, v.source_hash, v.flags,
              (e.staff_version_id IS NULL OR u.replace_staff) AS takes_effect,
              CASE WHEN o.llm_config->>'review_mode' IN ('off', 'required')
                   THEN o.llm_config->>'review_mode' ELSE $10 END AS mode,
              llm_source_hash($9, v.target_language, a.name, a.breed, a.age_text, a.sex, a.size,
                              a.language, a.properties->>'description', a.enriched_description,
                              o.llm_config, v.source_variant) AS current_hash
       FROM v
       JOIN u ON u.animal_id = v.animal_id AND u.lang = v.target_language
       JOIN llm_enrichments e ON e.animal_id = v.animal_id AND e.processing_type = $9
                             AND e.target_language = v.target_language
       JOIN animals a ON a.id = v.animal_id
       JOIN organizations o ON o.id = a.organization_id
     )
     UPDATE llm_enrichments e SET
       candidate_version_id = s.id,
       staff_version_id = CASE WHEN s.takes_effect THEN NULL ELSE e.staff_version_id END,
       review_state = CASE WHEN s.takes_effect THEN 'to_review' ELSE e.review_state END,
       reviewed_by = CASE WHEN s.takes_effect THEN NULL ELSE e.reviewed_by END,
       reviewed_at = CASE WHEN s.takes_effect THEN NULL ELSE e.reviewed_at END,
       review_reason = CASE WHEN s.takes_effect THEN NULL ELSE e.review_reason END,
       flagged = CASE WHEN s.takes_effect THEN llm_flags_of_concern(s.flags) ELSE e.flagged END,
       stale = CASE WHEN s.takes_effect THEN s.source_hash IS DISTINCT FROM s.current_hash
                    ELSE e.stale END,
       published_version_id = CASE WHEN s.takes_effect AND s.mode = 'off' THEN s.id
                                   ELSE e.published_version_id END,
       published_at = CASE WHEN s.takes_effect AND s.mode = 'off' THEN now() ELSE e.published_at END,
       published_by = CASE WHEN s.takes_effect AND s.mode = 'off' THEN NULL ELSE e.published_by END
     FROM s
     WHERE e.animal_id = s.animal_id AND e.processing_type = $9
       AND e.target_language = s.target_language
     RETURNING e.animal_id, e.target_language, (s.takes_effect AND s.mode = 'off') AS publish`,
    [
      succeeded.map((w) => w.animalId),
      succeeded.map((w) => w.targetLanguage),
      succeeded.map((w) => JSON.stringify(w.value)),
      succeeded.map((w) => w.sourceHash),
      succeeded.map((w) => w.promptVersion),
      succeeded.map((w) => w.model),
      succeeded.map((w) => JSON.stringify(w.flags)),
      succeeded.map((w) => w.replaceStaffEdit === true),
      type,
      defaultMode,
      succeeded.map((w) => w.experiment?.id ?? null),
      succeeded.map((w) => w.experiment?.arm ?? null),
    ],
    { prepare: true },
  );
  return new Set(rows.filter((r) => r.publish).map((r) => itemKey(r.animal_id, r.target_language)));
}
