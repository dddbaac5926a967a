-- Provider batches (OpenRouter's Batch API): what was submitted, and which request is which
-- item, written before the submission so that a run killed while waiting resumes polling on
-- the next start instead of submitting (and paying for) the same requests again.

CREATE TABLE IF NOT EXISTS llm_batches (
  -- Ours, chosen before submitting; the provider's id arrives with its answer.
  id VARCHAR(64) PRIMARY KEY,
  provider_batch_id VARCHAR(128) UNIQUE,
  processing_type VARCHAR(32) NOT NULL
    CHECK (processing_type IN ('description_cleaning', 'dog_profiler', 'translation')),
  model VARCHAR(100) NOT NULL,
  -- The run that submitted the batch, and the run waiting for it now.
  run_id VARCHAR(100) NOT NULL,
  owner VARCHAR(100) NOT NULL,
  -- submitting: row written, submission under way · live: the provider has it ·
  -- terminal: the provider finished it, results not yet taken in · done: results taken in ·
  -- uncertain: the submission may or may not have reached the provider · abandoned: refused.
  state VARCHAR(16) NOT NULL
    CHECK (state IN ('submitting', 'live', 'terminal', 'done', 'uncertain', 'abandoned')),
  provider_status VARCHAR(16),
  request_count INTEGER NOT NULL,
  completed_count INTEGER NOT NULL DEFAULT 0,
  failed_count INTEGER NOT NULL DEFAULT 0,
  prompt_tokens BIGINT,
  completion_tokens BIGINT,
  cost_usd NUMERIC(14, 8),
  error TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  submitted_at TIMESTAMPTZ,
  expires_at TIMESTAMPTZ,
  -- Set by the waiting run at every poll; NULL once it stopped waiting (Ctrl-C). A stale or
  -- NULL heartbeat lets the next run take the batch over.
  heartbeat_at TIMESTAMPTZ,
  finished_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_llm_batches_open
  ON llm_batches (processing_type) WHERE state IN ('submitting', 'live', 'terminal');

-- custom_id → (animal, type, language, attempt), and the hash of the request sent, so that a
-- resumed run recognises the same request and waits for its answer instead of re-sending it.
CREATE TABLE IF NOT EXISTS llm_batch_requests (
  batch_id VARCHAR(64) NOT NULL REFERENCES llm_batches (id) ON DELETE CASCADE,
  custom_id VARCHAR(64) NOT NULL,
  animal_id INTEGER NOT NULL REFERENCES animals (id) ON DELETE CASCADE,
  processing_type VARCHAR(32) NOT NULL,
  target_language VARCHAR(8) NOT NULL DEFAULT '',
  attempt SMALLINT NOT NULL,
  request_hash CHAR(64) NOT NULL,
  PRIMARY KEY (batch_id, custom_id)
);
CREATE INDEX IF NOT EXISTS idx_llm_batch_requests_item
  ON llm_batch_requests (animal_id, processing_type, target_language);

-- LLM_MAX_ITEM_ATTEMPTS: how often an item failed its checks in a row for the same source hash
-- and prompt version (provider failures do not count); at the limit it waits for a change of
-- either, or --force, instead of being paid for again on every rerun.
ALTER TABLE llm_enrichments ADD COLUMN IF NOT EXISTS check_failures INTEGER NOT NULL DEFAULT 0;

-- Which transport a call went through, for cost reports (sync vs batch price).
ALTER TABLE llm_processing_logs ADD COLUMN IF NOT EXISTS transport VARCHAR(8) NOT NULL DEFAULT 'sync';
ALTER TABLE llm_processing_logs ADD COLUMN IF NOT EXISTS provider_batch_id VARCHAR(128);
