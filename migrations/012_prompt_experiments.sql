-- A/B prompt experiments (issue 18). Forward-only.
--
-- An experiment compares prompt variants (arms) of one processing type. Each animal in its
-- scope is assigned an arm by a hash of (experiment, animal), weighted by the split; the
-- arm's prompt version, and the variant in the source hash, make switching arms redo the
-- work. Results, versions and call logs record experiment and arm. A promoted arm becomes a
-- new default prompt version of its type (llm_prompt_versions).

CREATE TABLE IF NOT EXISTS llm_experiments (
  id SERIAL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  processing_type VARCHAR(32) NOT NULL
    CHECK (processing_type IN ('description_cleaning', 'dog_profiler', 'translation')),
  -- NULL: every organization's animals take part
  organization_id INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
  status VARCHAR(16) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'stopped')),
  promoted_arm VARCHAR(16),
  promoted_prompt_version VARCHAR(40),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  started_at TIMESTAMPTZ,
  stopped_at TIMESTAMPTZ
);
-- One running experiment per processing type: an animal is never in two at once.
CREATE UNIQUE INDEX IF NOT EXISTS idx_llm_experiments_one_running
  ON llm_experiments (processing_type) WHERE status = 'running';

-- The arms, frozen when the experiment is created: the text is copied from the prompt file
-- so the experiment means the same on every machine for its whole life.
CREATE TABLE IF NOT EXISTS llm_experiment_arms (
  experiment_id INTEGER NOT NULL REFERENCES llm_experiments (id) ON DELETE CASCADE,
  name VARCHAR(16) NOT NULL,
  position INTEGER NOT NULL,
  weight INTEGER NOT NULL CHECK (weight > 0),
  -- the arm owns buckets [bucket_start, bucket_end) of llm_experiment_bucket()'s 0..9999
  bucket_start INTEGER NOT NULL,
  bucket_end INTEGER NOT NULL,
  prompt_version VARCHAR(40) NOT NULL UNIQUE,
  -- the type's instructions; NULL = the built-in default (the control arm)
  system_text TEXT,
  -- NULL = the configured temperature / LLM_DEFAULT_MODEL
  temperature DOUBLE PRECISION,
  model VARCHAR(100),
  source_file TEXT,
  PRIMARY KEY (experiment_id, name),
  CHECK (bucket_start >= 0 AND bucket_end <= 10000 AND bucket_start < bucket_end)
);

-- Prompt versions beyond the built-in ones: a promoted arm. The default one per type is
-- what runs use outside experiments.
CREATE TABLE IF NOT EXISTS llm_prompt_versions (
  prompt_version VARCHAR(40) PRIMARY KEY,
  processing_type VARCHAR(32) NOT NULL
    CHECK (processing_type IN ('description_cleaning', 'dog_profiler', 'translation')),
  system_text TEXT,
  temperature DOUBLE PRECISION,
  model VARCHAR(100),
  is_default BOOLEAN NOT NULL DEFAULT false,
  experiment_id INTEGER REFERENCES llm_experiments (id) ON DELETE SET NULL,
  arm VARCHAR(16),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_llm_prompt_versions_default
  ON llm_prompt_versions (processing_type) WHERE is_default;

ALTER TABLE llm_enrichments
  ADD COLUMN IF NOT EXISTS experiment_id INTEGER,
  ADD COLUMN IF NOT EXISTS experiment_arm VARCHAR(16);
ALTER TABLE llm_result_versions
  ADD COLUMN IF NOT EXISTS experiment_id INTEGER,
  ADD COLUMN IF NOT EXISTS experiment_arm VARCHAR(16),
  -- the variant that entered this version's source hash (the arm's prompt version); NULL = none
  ADD COLUMN IF NOT EXISTS source_variant VARCHAR(40);
ALTER TABLE llm_processing_logs
  ADD COLUMN IF NOT EXISTS experiment_id INTEGER,
  ADD COLUMN IF NOT EXISTS experiment_arm VARCHAR(16);
CREATE INDEX IF NOT EXISTS idx_llm_result_versions_experiment
  ON llm_result_versions (experiment_id, experiment_arm) WHERE experiment_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_llm_processing_logs_experiment
  ON llm_processing_logs (experiment_id, experiment_arm) WHERE experiment_id IS NOT NULL;

-- 0..9999 from sha256("<experiment>:<animal>"): deterministic, independent across experiments.
-- src/enrichment/experiments/assign-arm.ts computes the same (test/db/experiments.test.ts).
CREATE OR REPLACE FUNCTION llm_experiment_bucket(experiment_id INTEGER, animal_id INTEGER)
RETURNS INTEGER LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((('x' || left(encode(sha256(convert_to(experiment_id::text || ':' || animal_id::text,
          'UTF8')), 'hex'), 8))::bit(32)::bigint) % 10000)::int
$$;

-- The source hash now takes the variant: concat_ws skips a NULL, so without a variant the
-- hash is exactly migration 010's (src/db/enrichment-store.ts SOURCE_SQL computes the same).
DROP FUNCTION IF EXISTS llm_source_hash(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, JSONB);
CREATE OR REPLACE FUNCTION llm_source_hash(
  processing_type TEXT, lang TEXT, name TEXT, breed TEXT, age_text TEXT, sex TEXT, size TEXT,
  language TEXT, description TEXT, enriched_description TEXT, llm_config JSONB,
  variant TEXT DEFAULT NULL
) RETURNS CHAR(64) LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(
    CASE WHEN processing_type = 'translation'
      THEN concat_ws(E'\x1f', name, lang, coalesce(enriched_description, description, ''),
                     coalesce((llm_config - 'review_mode')::text, ''), variant)
      ELSE concat_ws(E'\x1f', name, coalesce(breed, ''), coalesce(age_text, ''), coalesce(sex, ''),
                     coalesce(size, ''), coalesce(language, ''), coalesce(description, ''),
                     coalesce((llm_config - 'review_mode')::text, ''), variant)
    END, 'UTF8')), 'hex')
$$;

-- Migration 010's stale markers, now hashing each version with its own variant.
CREATE OR REPLACE FUNCTION llm_animals_source_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE llm_enrichments e SET organization_id = n.organization_id
  FROM new_animals n JOIN old_animals o ON o.id = n.id
  WHERE e.animal_id = n.id AND n.organization_id IS DISTINCT FROM o.organization_id;

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

CREATE OR REPLACE FUNCTION llm_organizations_config_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE llm_enrichments e SET stale = x.stale
  FROM (
    SELECT e2.animal_id, e2.processing_type, e2.target_language,
           v.source_hash IS NULL OR v.source_hash <> llm_source_hash(
             e2.processing_type, e2.target_language, a.name, a.breed, a.age_text, a.sex, a.size,
             a.language, a.properties->>'description', a.enriched_description, n.llm_config,
             v.source_variant) AS stale
    FROM new_organizations n
    JOIN old_organizations o ON o.id = n.id
    JOIN animals a ON a.organization_id = n.id
    JOIN llm_enrichments e2 ON e2.animal_id = a.id
    JOIN llm_result_versions v ON v.id = coalesce(e2.staff_version_id, e2.candidate_version_id)
    WHERE n.llm_config IS DISTINCT FROM o.llm_config
  ) x
  WHERE e.animal_id = x.animal_id AND e.processing_type = x.processing_type
    AND e.target_language = x.target_language AND e.stale IS DISTINCT FROM x.stale;
  RETURN NULL;
END $$;


