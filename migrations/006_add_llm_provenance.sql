-- Provenance: what produced each result, from which source, and what is in flight.

-- Per-organization prompt overrides (tone, output_language, extra_instructions,
-- banned_phrases); see README "Organization overrides".
ALTER TABLE organizations ADD COLUMN IF NOT EXISTS llm_config JSONB;

-- Latest outcome per processing type, for people reading the animals table:
-- {"dog_profiler": {"status": "failed", "reasons": [...], "at": "..."}, ...}
ALTER TABLE animals ADD COLUMN IF NOT EXISTS llm_processing_flags JSONB;

-- One row per (animal, processing type, target language): the state machine the pipeline
-- uses to skip finished work, and the lease that keeps two runs off the same item.
CREATE TABLE IF NOT EXISTS llm_enrichments (
  animal_id INTEGER NOT NULL REFERENCES animals (id) ON DELETE CASCADE,
  processing_type VARCHAR(32) NOT NULL
    CHECK (processing_type IN ('description_cleaning', 'dog_profiler', 'translation')),
  -- '' for the types that have no target language
  target_language VARCHAR(8) NOT NULL DEFAULT '',
  status VARCHAR(16) NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'succeeded', 'failed', 'skipped')),
  -- sha256 of the source the result was made from; a changed source no longer matches
  source_hash CHAR(64),
  prompt_version VARCHAR(40),
  model VARCHAR(100),
  flags JSONB NOT NULL DEFAULT '[]'::jsonb,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  processed_at TIMESTAMPTZ,
  claimed_by VARCHAR(100),
  claim_expires_at TIMESTAMPTZ,
  PRIMARY KEY (animal_id, processing_type, target_language)
);
CREATE INDEX IF NOT EXISTS idx_llm_enrichments_claims
  ON llm_enrichments (claim_expires_at) WHERE claimed_by IS NOT NULL;

-- One row per LLM call (cache hits included, with zero cost), for cost and failure analysis.
CREATE TABLE IF NOT EXISTS llm_processing_logs (
  id BIGSERIAL PRIMARY KEY,
  animal_id INTEGER REFERENCES animals (id) ON DELETE SET NULL,
  processing_type VARCHAR(32) NOT NULL,
  target_language VARCHAR(8),
  status VARCHAR(16) NOT NULL,
  model VARCHAR(100),
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  cost_usd NUMERIC(14, 8),
  latency_ms INTEGER,
  error_category VARCHAR(40),
  error_message TEXT,
  run_id VARCHAR(100),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_llm_processing_logs_animal ON llm_processing_logs (animal_id);
CREATE INDEX IF NOT EXISTS idx_llm_processing_logs_run ON llm_processing_logs (run_id);
CREATE INDEX IF NOT EXISTS idx_llm_processing_logs_created ON llm_processing_logs (created_at);

-- Persistent response cache shared by every process; the in-memory LRU sits in front.
CREATE TABLE IF NOT EXISTS llm_cache (
  cache_key CHAR(64) PRIMARY KEY,
  processing_type VARCHAR(32) NOT NULL,
  model VARCHAR(100),
  response JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_llm_cache_expires ON llm_cache (expires_at);
