-- Migration 012's llm_animals_source_changed, planned to look up the written animals' items by
-- key. Its statements touch the few rows named by the transition tables, but PL/pgSQL plans
-- them once per session, often while llm_enrichments is still small (a first run over a fresh
-- import): the plan then read the whole table on every write, two scans per result batch, for
-- as long as the session lived (a run's pool), so each batch cost more as the table grew.
-- Nested loops over the primary key suit any table size, hence the function's SET clauses.
-- An animal moved to another organization is rare: its items' organization_id is updated
-- only when one did move.
CREATE OR REPLACE FUNCTION llm_animals_source_changed() RETURNS trigger
LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_animals n JOIN old_animals o ON o.id = n.id
             WHERE n.organization_id IS DISTINCT FROM o.organization_id) THEN
    UPDATE llm_enrichments e SET organization_id = n.organization_id
    FROM new_animals n JOIN old_animals o ON o.id = n.id
    WHERE e.animal_id = n.id AND n.organization_id IS DISTINCT FROM o.organization_id;
  END IF;

  UPDATE llm_enrichments e SET stale = x.stale
  FROM (
    SELECT e2.animal_id, e2.processing_type, e2.target_language,
           v.source_hash IS NULL OR v.source_hash <> llm_source_hash(
             e2.processing_type, e2.target_language, n.name, n.breed, n.age_text, n.sex, n.size,
             n.language, n.properties->>'description', n.enriched_description, org.llm_config,
             v.source_variant) AS stale
    FROM new_animals n
    JOIN old_animals o ON o.id = n.id
    JOIN organizations org ON org.id = n.organization_id
    JOIN llm_enrichments e2 ON e2.animal_id = n.id
    JOIN llm_result_versions v ON v.id = coalesce(e2.staff_version_id, e2.candidate_version_id)
    WHERE (n.name, n.breed, n.age_text, n.sex, n.size, n.language,
           n.properties->>'description', n.enriched_description, n.organization_id)
          IS DISTINCT FROM
          (o.name, o.breed, o.age_text, o.sex, o.size, o.language,
           o.properties->>'description', o.enriched_description, o.organization_id)
  ) x
  WHERE e.animal_id = x.animal_id AND e.processing_type = x.processing_type
    AND e.target_language = x.target_language AND e.stale IS DISTINCT FROM x.stale;
  RETURN NULL;
END $$;
