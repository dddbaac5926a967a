import { SHARED_LANGUAGES_SEPARATOR } from "../enrichment/llm-client.js";

// A claim on an item that is in a provider batch still open holds even after its run is gone:
// the next run resumes that batch (llm_batches), and no run may submit the item (and pay for
// it) again meanwhile. Only the lease — set to the batch's expiry — ends such a claim.

/** SQL condition: the llm_enrichments row `alias` is in a provider batch still open. */
export function inOpenBatchSql(alias: string): string {
  return `EXISTS (
    SELECT 1 FROM llm_batch_requests q JOIN llm_batches b ON b.id = q.batch_id
     WHERE b.state IN ('live', 'terminal') AND q.animal_id = ${alias}.animal_id
       AND q.processing_type = ${alias}.processing_type
       AND ${requestCoversSql("q.target_language", `${alias}.target_language`)})`;
}

/**
 * SQL condition: a batch request for `requestLanguage` is (also) the item in `itemLanguage`:
 * its own language, or one of a shared request's ("de+es+fr", SHARED_LANGUAGES_SEPARATOR).
 */
export function requestCoversSql(requestLanguage: string, itemLanguage: string): string {
  return `(${itemLanguage} = ${requestLanguage} OR ${itemLanguage} = ANY(string_to_array(${requestLanguage}, '${SHARED_LANGUAGES_SEPARATOR}')))`;
}
