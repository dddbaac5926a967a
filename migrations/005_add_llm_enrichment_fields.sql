-- Add LLM enrichment fields to animals table
-- IF NOT EXISTS: an aggregator that ran the Python tool already has these columns.
ALTER TABLE animals
ADD COLUMN IF NOT EXISTS enriched_description TEXT,
ADD COLUMN IF NOT EXISTS dog_profiler_data JSONB,
ADD COLUMN IF NOT EXISTS translations JSONB,
ADD COLUMN IF NOT EXISTS llm_processed_at TIMESTAMP,
ADD COLUMN IF NOT EXISTS llm_model_used VARCHAR(100);

-- Add indexes for performance
CREATE INDEX IF NOT EXISTS idx_animals_llm_processed ON animals (llm_processed_at) WHERE llm_processed_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_animals_enriched ON animals (id) WHERE enriched_description IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_animals_profiler ON animals (id) WHERE dog_profiler_data IS NOT NULL;
