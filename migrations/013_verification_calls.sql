-- Issue 14: the verification pass (LLM_VERIFY) makes calls of its own. Each is one row of
-- llm_processing_logs like any call, told apart by call_kind, so cost reports, budgets and
-- tokens per dog can count it separately. Existing rows are the outputs' own calls.
ALTER TABLE llm_processing_logs
  ADD COLUMN IF NOT EXISTS call_kind VARCHAR(16) NOT NULL DEFAULT 'generation';
