-- Issue 14: the verification pass (LLM_VERIFY) makes calls of its own. Each is one row of
-- llm_processing_logs like any call, told apart by call_kind, so cost reports, budgets and
-- tokens per dog can count it separately. Existing rows are the outputs' own calls.
ALTER TABLE llm_processing_logs
  ADD COLUMN IF NOT EXISTS call_kind VARCHAR(16) NOT NULL DEFAULT 'generation';

-- "verified" (the output passed its claim check) is good news, not a flag a reviewer must look
-- at: the review queue's "flagged" leaves it out, like the source language note.
CREATE OR REPLACE FUNCTION llm_flags_of_concern(flags JSONB) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE AS $$
  SELECT EXISTS (
    SELECT 1
    FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(flags) = 'array' THEN flags ELSE '[]'::jsonb END) AS f(flag)
    WHERE f.flag NOT LIKE 'source\_language:%' AND f.flag <> 'already_in_target_language'
      AND f.flag <> 'verified')
$$;
