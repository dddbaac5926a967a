-- Staff review and publishing (issue 16). Forward-only.
--
-- Per (animal, processing type, target language) the pipeline's latest successful output is a
-- candidate; with REVIEW_MODE=required only an approved version reaches the columns of
-- migration 005. Every value an item ever had is kept as a version, so switching modes, a
-- rerun or a rejection never loses a result.

-- Every value an item ever had: pipeline outputs, staff edits, and the values found in the
-- animals columns when this migration ran (origin 'legacy'). Append-only.
CREATE TABLE IF NOT EXISTS llm_result_versions (
  id BIGSERIAL PRIMARY KEY,
  animal_id INTEGER NOT NULL REFERENCES animals (id) ON DELETE CASCADE,
  processing_type VARCHAR(32) NOT NULL
    CHECK (processing_type IN ('description_cleaning', 'dog_profiler', 'translation')),
  target_language VARCHAR(8) NOT NULL DEFAULT '',
  origin VARCHAR(16) NOT NULL CHECK (origin IN ('pipeline', 'staff', 'legacy')),
  -- cleaned text or translation as a JSON string; the profile as an object
  value JSONB NOT NULL,
  -- the source the value was made from (pipeline) or edited against (staff); NULL = unknown
  source_hash CHAR(64),
  prompt_version VARCHAR(40),
  model VARCHAR(100),
  -- pipeline: guard flags kept with the success; staff: the deterministic guards' findings
  flags JSONB NOT NULL DEFAULT '[]'::jsonb,
  -- the staff member's key label (never the key) for edits
  created_by VARCHAR(100),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_llm_result_versions_item
  ON llm_result_versions (animal_id, processing_type, target_language, id);

-- Review state per item. The version in effect is the staff version when there is one, else
-- the candidate; review_state is about that version. published_version_id is what the
-- animals columns hold.
ALTER TABLE llm_enrichments
  ADD COLUMN IF NOT EXISTS organization_id INTEGER,
  ADD COLUMN IF NOT EXISTS candidate_version_id BIGINT REFERENCES llm_result_versions (id),
  ADD COLUMN IF NOT EXISTS staff_version_id BIGINT REFERENCES llm_result_versions (id),
  ADD COLUMN IF NOT EXISTS published_version_id BIGINT REFERENCES llm_result_versions (id),
  ADD COLUMN IF NOT EXISTS published_at TIMESTAMPTZ,
  -- who published it: a key label; NULL when the pipeline published it (REVIEW_MODE=off)
  ADD COLUMN IF NOT EXISTS published_by VARCHAR(100),
  ADD COLUMN IF NOT EXISTS review_state VARCHAR(16)
    CHECK (review_state IN ('to_review', 'approved', 'rejected')),
  ADD COLUMN IF NOT EXISTS reviewed_by VARCHAR(100),
  ADD COLUMN IF NOT EXISTS reviewed_at TIMESTAMPTZ,
  ADD COLUMN IF NOT EXISTS review_reason TEXT,
  -- the version in effect carries guard flags (or staff-edit findings) worth a look
  ADD COLUMN IF NOT EXISTS flagged BOOLEAN NOT NULL DEFAULT false,
  -- the version in effect was made from a source that has changed since (kept by triggers)
  ADD COLUMN IF NOT EXISTS stale BOOLEAN NOT NULL DEFAULT false;

-- Which prompt version each call was made with.
ALTER TABLE llm_processing_logs ADD COLUMN IF NOT EXISTS prompt_version VARCHAR(40);

-- Who did what, when and why. actor is the API key's label, never the key.
CREATE TABLE IF NOT EXISTS llm_review_actions (
  id BIGSERIAL PRIMARY KEY,
  animal_id INTEGER REFERENCES animals (id) ON DELETE SET NULL,
  processing_type VARCHAR(32) NOT NULL,
  target_language VARCHAR(8) NOT NULL DEFAULT '',
  action VARCHAR(16) NOT NULL CHECK (action IN ('approve', 'reject', 'edit', 'rerun')),
  actor VARCHAR(100) NOT NULL,
  via VARCHAR(8) NOT NULL CHECK (via IN ('page', 'api')),
  reason TEXT,
  before_state VARCHAR(16),
  after_state VARCHAR(16),
  -- the version in effect and the published version, before and after the action
  before_version_id BIGINT,
  after_version_id BIGINT,
  before_published_version_id BIGINT,
  after_published_version_id BIGINT,
  -- e.g. an edit's guard findings, a rerun's outcome
  details JSONB,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_llm_review_actions_animal ON llm_review_actions (animal_id, id);

-- Counts per queue state for each (organization, type, language), kept by triggers so the
-- queue page shows them without scanning every item.
CREATE TABLE IF NOT EXISTS llm_review_counts (
  organization_id INTEGER NOT NULL,
  processing_type VARCHAR(32) NOT NULL,
  target_language VARCHAR(8) NOT NULL,
  to_review BIGINT NOT NULL DEFAULT 0,
  approved BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0,
  failed BIGINT NOT NULL DEFAULT 0,
  flagged BIGINT NOT NULL DEFAULT 0,
  stale BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (organization_id, processing_type, target_language)
);

-- The source hash of an item as the pipeline computes it (src/db/enrichment-store.ts
-- SOURCE_SQL; review_mode decides publishing, not output, so it is left out);
-- test/db/review-source-hash.test.ts keeps the two equal.
CREATE OR REPLACE FUNCTION llm_source_hash(
  processing_type TEXT, lang TEXT, name TEXT, breed TEXT, age_text TEXT, sex TEXT, size TEXT,
  language TEXT, description TEXT, enriched_description TEXT, llm_config JSONB
) RETURNS CHAR(64) LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(
    CASE WHEN processing_type = 'translation'
      THEN concat_ws(E'\x1f', name, lang, coalesce(enriched_description, description, ''),
                     coalesce((llm_config - 'review_mode')::text, ''))
      ELSE concat_ws(E'\x1f', name, coalesce(breed, ''), coalesce(age_text, ''), coalesce(sex, ''),
                     coalesce(size, ''), coalesce(language, ''), coalesce(description, ''),
                     coalesce((llm_config - 'review_mode')::text, ''))
    END, 'UTF8')), 'hex')
$$;

-- Flags that are information, not a reason to look twice.
CREATE OR REPLACE FUNCTION llm_flags_of_concern(flags JSONB) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE AS $$
  SELECT EXISTS (
    SELECT 1
    FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(flags) = 'array' THEN flags ELSE '[]'::jsonb END) AS f(flag)
    WHERE f.flag NOT LIKE 'source\_language:%' AND f.flag <> 'already_in_target_language')
$$;

-- Existing values in the animals columns are published and stay published. When the item's
-- last attempt succeeded, its provenance is that attempt's; otherwise it is unknown (legacy).
INSERT INTO llm_result_versions (animal_id, processing_type, target_language, origin, value,
                                 source_hash, prompt_version, model, flags, created_at)
SELECT x.animal_id, x.processing_type, x.lang,
       CASE WHEN e.status = 'succeeded' THEN 'pipeline' ELSE 'legacy' END,
       x.value,
       CASE WHEN e.status = 'succeeded' THEN e.source_hash END,
       CASE WHEN e.status = 'succeeded' THEN e.prompt_version END,
       CASE WHEN e.status = 'succeeded' THEN e.model END,
       CASE WHEN e.status = 'succeeded' THEN e.flags ELSE '[]'::jsonb END,
       coalesce(CASE WHEN e.status = 'succeeded' THEN e.processed_at END, x.processed_at::timestamptz, now())
FROM (
  SELECT a.id AS animal_id, 'description_cleaning' AS processing_type, '' AS lang,
         to_jsonb(a.enriched_description) AS value, a.llm_processed_at AS processed_at
  FROM animals a WHERE a.enriched_description IS NOT NULL AND btrim(a.enriched_description) <> ''
  UNION ALL
  SELECT a.id, 'dog_profiler', '', a.dog_profiler_data, a.llm_processed_at
  FROM animals a WHERE a.dog_profiler_data IS NOT NULL AND a.dog_profiler_data <> 'null'::jsonb
  UNION ALL
  SELECT a.id, 'translation', t.key, to_jsonb(t.value), a.llm_processed_at
  FROM animals a CROSS JOIN LATERAL jsonb_each_text(
    CASE WHEN jsonb_typeof(a.translations) = 'object' THEN a.translations ELSE '{}'::jsonb END) AS t(key, value)
  WHERE length(t.key) BETWEEN 1 AND 8 AND btrim(t.value) <> ''
) x
LEFT JOIN llm_enrichments e
  ON e.animal_id = x.animal_id AND e.processing_type = x.processing_type AND e.target_language = x.lang
WHERE NOT EXISTS (
  SELECT 1 FROM llm_result_versions v
  WHERE v.animal_id = x.animal_id AND v.processing_type = x.processing_type AND v.target_language = x.lang);

INSERT INTO llm_enrichments (animal_id, processing_type, target_language)
SELECT v.animal_id, v.processing_type, v.target_language FROM llm_result_versions v
ON CONFLICT (animal_id, processing_type, target_language) DO NOTHING;

UPDATE llm_enrichments e SET organization_id = a.organization_id
FROM animals a WHERE a.id = e.animal_id AND e.organization_id IS NULL;

UPDATE llm_enrichments e SET
  candidate_version_id = v.id,
  published_version_id = v.id,
  published_at = v.created_at,
  review_state = 'to_review',
  flagged = llm_flags_of_concern(v.flags),
  stale = v.source_hash IS NOT NULL AND v.source_hash IS DISTINCT FROM llm_source_hash(
    e.processing_type, e.target_language, a.name, a.breed, a.age_text, a.sex, a.size,
    a.language, a.properties->>'description', a.enriched_description, o.llm_config)
FROM llm_result_versions v, animals a, organizations o
WHERE e.candidate_version_id IS NULL
  AND v.animal_id = e.animal_id AND v.processing_type = e.processing_type
  AND v.target_language = e.target_language
  AND a.id = e.animal_id AND o.id = a.organization_id;

-- Queue listing: each state filter walks its own index in keyset order.
CREATE INDEX IF NOT EXISTS idx_llm_enrichments_review_queue
  ON llm_enrichments (review_state, animal_id, processing_type, target_language)
  WHERE review_state IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_llm_enrichments_review_queue_org
  ON llm_enrichments (organization_id, review_state, animal_id, processing_type, target_language)
  WHERE review_state IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_llm_enrichments_failed
  ON llm_enrichments (organization_id, animal_id, processing_type, target_language)
  WHERE status = 'failed';
CREATE INDEX IF NOT EXISTS idx_llm_enrichments_failed_all
  ON llm_enrichments (animal_id, processing_type, target_language) WHERE status = 'failed';
CREATE INDEX IF NOT EXISTS idx_llm_enrichments_flagged
  ON llm_enrichments (organization_id, animal_id, processing_type, target_language) WHERE flagged;
CREATE INDEX IF NOT EXISTS idx_llm_enrichments_flagged_all
  ON llm_enrichments (animal_id, processing_type, target_language) WHERE flagged;
CREATE INDEX IF NOT EXISTS idx_llm_enrichments_stale
  ON llm_enrichments (organization_id, animal_id, processing_type, target_language) WHERE stale;
CREATE INDEX IF NOT EXISTS idx_llm_enrichments_stale_all
  ON llm_enrichments (animal_id, processing_type, target_language) WHERE stale;
-- Search by name or external id (case-insensitive prefix).
CREATE INDEX IF NOT EXISTS idx_animals_lower_name ON animals (lower(name) text_pattern_ops);
CREATE INDEX IF NOT EXISTS idx_animals_lower_external_id
  ON animals (lower(external_id) text_pattern_ops);

-- An item belongs to its animal's organization (kept here for the queue's filters and counts).
CREATE OR REPLACE FUNCTION llm_enrichments_set_organization() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.organization_id IS NULL THEN
    SELECT organization_id INTO NEW.organization_id FROM animals WHERE id = NEW.animal_id;
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS llm_enrichments_set_organization ON llm_enrichments;
CREATE TRIGGER llm_enrichments_set_organization BEFORE INSERT ON llm_enrichments
  FOR EACH ROW EXECUTE FUNCTION llm_enrichments_set_organization();

-- Adds each changed row's contribution to llm_review_counts: +1 for its new state, -1 for its
-- old one. Buckets are upserted in key order, so concurrent writers lock them in one order.
CREATE OR REPLACE FUNCTION llm_review_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  deltas llm_review_counts[];
BEGIN
  -- Transition tables exist only for their events, so each branch reads its own.
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(ROW(d.*)::llm_review_counts) INTO deltas FROM (
      SELECT coalesce(organization_id, 0), processing_type, target_language,
             count(*) FILTER (WHERE review_state = 'to_review'),
             count(*) FILTER (WHERE review_state = 'approved'),
             count(*) FILTER (WHERE review_state = 'rejected'),
             count(*) FILTER (WHERE status = 'failed'),
             count(*) FILTER (WHERE flagged), count(*) FILTER (WHERE stale)
      FROM new_rows GROUP BY 1, 2, 3) d;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(ROW(d.*)::llm_review_counts) INTO deltas FROM (
      SELECT coalesce(organization_id, 0), processing_type, target_language,
             -count(*) FILTER (WHERE review_state = 'to_review'),
             -count(*) FILTER (WHERE review_state = 'approved'),
             -count(*) FILTER (WHERE review_state = 'rejected'),
             -count(*) FILTER (WHERE status = 'failed'),
             -count(*) FILTER (WHERE flagged), -count(*) FILTER (WHERE stale)
      FROM old_rows GROUP BY 1, 2, 3) d;
  ELSE
    SELECT array_agg(ROW(d.*)::llm_review_counts) INTO deltas FROM (
      SELECT org, processing_type, target_language,
             -- coalesce: a state that is NULL (a failed row has no review state) counts 0.
             sum(sign * coalesce(review_state = 'to_review', false)::int),
             sum(sign * coalesce(review_state = 'approved', false)::int),
             sum(sign * coalesce(review_state = 'rejected', false)::int),
             sum(sign * coalesce(status = 'failed', false)::int),
             sum(sign * coalesce(flagged, false)::int), sum(sign * coalesce(stale, false)::int)
      FROM (
        SELECT 1 AS sign, coalesce(organization_id, 0) AS org, processing_type, target_language,
               review_state, status, flagged, stale FROM new_rows
        UNION ALL
        SELECT -1, coalesce(organization_id, 0), processing_type, target_language,
               review_state, status, flagged, stale FROM old_rows
      ) r GROUP BY 1, 2, 3) d;
  END IF;
  -- Claims and renewals change no state: nothing to write, no lock taken.
  INSERT INTO llm_review_counts AS c
  SELECT x.* FROM unnest(deltas) AS x
  WHERE x.to_review <> 0 OR x.approved <> 0 OR x.rejected <> 0 OR x.failed <> 0
     OR x.flagged <> 0 OR x.stale <> 0
  ORDER BY x.organization_id, x.processing_type, x.target_language
  ON CONFLICT (organization_id, processing_type, target_language) DO UPDATE SET
    to_review = c.to_review + EXCLUDED.to_review, approved = c.approved + EXCLUDED.approved,
    rejected = c.rejected + EXCLUDED.rejected, failed = c.failed + EXCLUDED.failed,
    flagged = c.flagged + EXCLUDED.flagged, stale = c.stale + EXCLUDED.stale;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS llm_review_counts_insert ON llm_enrichments;
CREATE TRIGGER llm_review_counts_insert AFTER INSERT ON llm_enrichments
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION llm_review_counts_apply();
DROP TRIGGER IF EXISTS llm_review_counts_update ON llm_enrichments;
CREATE TRIGGER llm_review_counts_update AFTER UPDATE ON llm_enrichments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION llm_review_counts_apply();
DROP TRIGGER IF EXISTS llm_review_counts_delete ON llm_enrichments;
CREATE TRIGGER llm_review_counts_delete AFTER DELETE ON llm_enrichments
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION llm_review_counts_apply();

-- A changed listing (or a newly published cleaned description, which translations work
-- from) makes the versions made from the old source stale; a moved animal moves its items.
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
             n.language, n.properties->>'description', n.enriched_description, org.llm_config) AS stale
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
DROP TRIGGER IF EXISTS llm_animals_source_changed ON animals;
CREATE TRIGGER llm_animals_source_changed AFTER UPDATE ON animals
  REFERENCING OLD TABLE AS old_animals NEW TABLE AS new_animals
  FOR EACH STATEMENT EXECUTE FUNCTION llm_animals_source_changed();

-- Organization overrides are part of every source hash.
CREATE OR REPLACE FUNCTION llm_organizations_config_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE llm_enrichments e SET stale = x.stale
  FROM (
    SELECT e2.animal_id, e2.processing_type, e2.target_language,
           v.source_hash IS NULL OR v.source_hash <> llm_source_hash(
             e2.processing_type, e2.target_language, a.name, a.breed, a.age_text, a.sex, a.size,
             a.language, a.properties->>'description', a.enriched_description, n.llm_config) AS stale
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
DROP TRIGGER IF EXISTS llm_organizations_config_changed ON organizations;
CREATE TRIGGER llm_organizations_config_changed AFTER UPDATE ON organizations
  REFERENCING OLD TABLE AS old_organizations NEW TABLE AS new_organizations
  FOR EACH STATEMENT EXECUTE FUNCTION llm_organizations_config_changed();

-- Counts of what is there now (the triggers keep them from here on).
DELETE FROM llm_review_counts;
INSERT INTO llm_review_counts (organization_id, processing_type, target_language,
                               to_review, approved, rejected, failed, flagged, stale)
SELECT coalesce(organization_id, 0), processing_type, target_language,
       count(*) FILTER (WHERE review_state = 'to_review'),
       count(*) FILTER (WHERE review_state = 'approved'),
       count(*) FILTER (WHERE review_state = 'rejected'),
       count(*) FILTER (WHERE status = 'failed'),
       count(*) FILTER (WHERE flagged),
       count(*) FILTER (WHERE stale)
FROM llm_enrichments
GROUP BY 1, 2, 3;
