// Provider batches and their custom_id → item map (migration 011), for the batch transport
// (src/enrichment/pipeline/batch-transport.ts) and `rescue-llm batches`.
import type { ProviderBatch } from "../enrichment/batch-api.js";
import type {
  AdoptedBatch,
  BatchStore,
  BusyBatch,
  StoredBatchRequest,
} from "../enrichment/pipeline/batch-store.js";
import type { Database } from "./database.js";
import { requestCoversSql } from "./batch-held-claims.js";

/** States in which a batch may still deliver answers someone has to take in. */
export const OPEN_BATCH_STATES = ["submitting", "live", "terminal"] as const;

export function createBatchStore(db: Database): BatchStore {
  const status = (provider: ProviderBatch) => [
    provider.id,
    provider.status,
    provider.requestCounts.completed,
    provider.requestCounts.failed,
    provider.usage?.promptTokens ?? null,
    provider.usage?.completionTokens ?? null,
    provider.usage?.costUsd ?? null,
    provider.failureMessage ?? null,
    provider.expiresAtMs === undefined ? null : new Date(provider.expiresAtMs).toISOString(),
  ];
  const STATUS_SET = `provider_batch_id = $2::text, provider_status = $3::text,
      completed_count = $4::int, failed_count = $5::int,
      prompt_tokens = coalesce($6::bigint, prompt_tokens),
      completion_tokens = coalesce($7::bigint, completion_tokens),
      cost_usd = coalesce($8::numeric, cost_usd), error = coalesce($9::text, error),
      expires_at = coalesce($10::timestamptz, expires_at)`;
  const TERMINAL = "$3::text IN ('completed', 'failed', 'expired', 'cancelled')";

  return {
    async recordSubmission(batch) {
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO llm_batches (id, processing_type, model, run_id, owner, state, request_count, heartbeat_at)
           VALUES ($1, $2, $3, $4, $4, 'submitting', $5, now())`,
          [batch.id, batch.processingType, batch.model, batch.runId, batch.requests.length],
        );
        const r = batch.requests;
        await tx.query(
          `INSERT INTO llm_batch_requests (batch_id, custom_id, animal_id, processing_type, target_language, attempt, request_hash)
           SELECT $1, u.custom_id, u.animal_id, $2, u.lang, u.attempt, u.hash
           FROM unnest($3::text[], $4::int[], $5::text[], $6::int[], $7::text[])
             AS u(custom_id, animal_id, lang, attempt, hash)`,
          [
            batch.id,
            batch.processingType,
            r.map((x) => x.customId),
            r.map((x) => x.animalId),
            r.map((x) => x.targetLanguage),
            r.map((x) => x.attempt),
            r.map((x) => x.requestHash),
          ],
        );
      });
    },

    async markSubmitted(id, provider) {
      await db.query(
        `UPDATE llm_batches SET ${STATUS_SET}, submitted_at = now(), heartbeat_at = now(),
           state = CASE WHEN ${TERMINAL} THEN 'terminal' ELSE 'live' END
         WHERE id = $1`,
        [id, ...status(provider)],
      );
    },

    async markUncertain(id, message) {
      await db.query(`UPDATE llm_batches SET state = 'uncertain', error = $2 WHERE id = $1`, [
        id,
        message.slice(0, 2000),
      ]);
    },

    async markAbandoned(id, message) {
      await db.query(
        `UPDATE llm_batches SET state = 'abandoned', error = $2, finished_at = now() WHERE id = $1`,
        [id, message.slice(0, 2000)],
      );
    },

    async recordStatus(id, provider) {
      await db.query(
        `UPDATE llm_batches SET ${STATUS_SET}, heartbeat_at = now(),
           state = CASE WHEN state = 'done' THEN 'done'
                        WHEN ${TERMINAL} THEN 'terminal' ELSE 'live' END
         WHERE id = $1`,
        [id, ...status(provider)],
      );
    },

    async markDone(ids) {
      if (ids.length === 0) return;
      await db.query(
        `UPDATE llm_batches SET state = 'done', finished_at = now() WHERE id = ANY($1::text[])`,
        [[...ids]],
      );
    },

    async detach(ids) {
      if (ids.length === 0) return;
      await db.query(`UPDATE llm_batches SET heartbeat_at = NULL WHERE id = ANY($1::text[])`, [
        [...ids],
      ]);
    },

    async holdClaims(owner, processingType, items, untilMs) {
      if (items.length === 0) return;
      await db.query(
        `UPDATE llm_enrichments e
            SET claim_expires_at = greatest(e.claim_expires_at, $5::timestamptz)
           FROM unnest($3::int[], $4::text[]) AS u(animal_id, lang)
          WHERE e.animal_id = u.animal_id AND ${requestCoversSql("u.lang", "e.target_language")}
            AND e.processing_type = $2 AND e.claimed_by = $1`,
        [
          owner,
          processingType,
          items.map((i) => i.animalId),
          items.map((i) => i.targetLanguage),
          new Date(untilMs).toISOString(),
        ],
      );
    },

    async adoptOpenBatches({ processingType, owner, staleAfterMs }) {
      return db.transaction(async (tx) => {
        // A submission that never got its answer recorded: it may or may not exist.
        await tx.query(
          `UPDATE llm_batches SET state = 'uncertain',
              error = 'the submitting run stopped before the provider''s answer was recorded; check the provider''s batch list'
            WHERE processing_type = $1 AND state = 'submitting'
              AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $2::float8 / 1000))`,
          [processingType, staleAfterMs],
        );
        const rows = await tx.query<{
          id: string;
          provider_batch_id: string | null;
          owner: string;
          state: string;
          submitted_at: Date | string | null;
          age_ms: number | null;
        }>(
          `SELECT id, provider_batch_id, owner, state, submitted_at,
                  (extract(epoch FROM now() - heartbeat_at) * 1000)::float8 AS age_ms
             FROM llm_batches
            WHERE processing_type = $1 AND state IN ('live', 'terminal')
            ORDER BY created_at
            FOR UPDATE`,
          [processingType],
        );
        const adopted: AdoptedBatch[] = [];
        const busy: BusyBatch[] = [];
        for (const row of rows) {
          const free = row.owner === owner || row.age_ms === null || row.age_ms >= staleAfterMs;
          if (!free || row.provider_batch_id === null) {
            busy.push({
              id: row.id,
              providerBatchId: row.provider_batch_id,
              owner: row.owner,
              heartbeatAgeMs: row.age_ms ?? 0,
            });
            continue;
          }
          const previous = row.owner;
          await tx.query(`UPDATE llm_batches SET owner = $2, heartbeat_at = now() WHERE id = $1`, [
            row.id,
            owner,
          ]);
          // The items' claims move to the new run; the lease (the batch's expiry) stays.
          await tx.query(
            `UPDATE llm_enrichments e SET claimed_by = $3,
                    claim_expires_at = greatest(e.claim_expires_at, now() + interval '1 hour')
               FROM llm_batch_requests r
              WHERE r.batch_id = $1 AND e.animal_id = r.animal_id
                AND e.processing_type = r.processing_type
                AND ${requestCoversSql("r.target_language", "e.target_language")}
                AND (e.claimed_by IS NULL OR e.claimed_by = $2 OR e.claim_expires_at < now())`,
            [row.id, previous, owner],
          );
          const requests = await tx.query<{
            custom_id: string;
            animal_id: number;
            target_language: string;
            attempt: number;
            request_hash: string;
          }>(
            `SELECT custom_id, animal_id, target_language, attempt, request_hash
               FROM llm_batch_requests WHERE batch_id = $1 ORDER BY custom_id`,
            [row.id],
          );
          adopted.push({
            id: row.id,
            providerBatchId: row.provider_batch_id,
            submittedAtMs:
              row.submitted_at === null ? Date.now() : new Date(row.submitted_at).getTime(),
            requests: requests.map((r): StoredBatchRequest => ({
              customId: r.custom_id,
              animalId: Number(r.animal_id),
              targetLanguage: r.target_language,
              attempt: Number(r.attempt),
              requestHash: r.request_hash,
            })),
          });
        }
        return { adopted, busy };
      });
    },

    async uncertainBatches(processingType) {
      const rows = await db.query<{
        id: string;
        model: string;
        request_count: number;
        created_at: Date | string;
      }>(
        `SELECT id, model, request_count, created_at FROM llm_batches
          WHERE processing_type = $1 AND state = 'uncertain' ORDER BY created_at`,
        [processingType],
      );
      return rows.map((r) => ({
        id: r.id,
        model: r.model,
        requestCount: Number(r.request_count),
        createdAtMs: new Date(r.created_at).getTime(),
      }));
    },

    async recordedProviderBatchIds(ids) {
      if (ids.length === 0) return new Set();
      const rows = await db.query<{ provider_batch_id: string }>(
        `SELECT provider_batch_id FROM llm_batches WHERE provider_batch_id = ANY($1::text[])`,
        [[...ids]],
      );
      return new Set(rows.map((r) => r.provider_batch_id));
    },

    async settleUncertain(id, found, message) {
      if (found === undefined) {
        await db.query(
          `UPDATE llm_batches SET state = 'abandoned', error = $2, finished_at = now()
            WHERE id = $1 AND state = 'uncertain'`,
          [id, message.slice(0, 2000)],
        );
        return;
      }
      // Open again with no heartbeat: the next adoption takes it over at once.
      await db.query(
        `UPDATE llm_batches SET ${STATUS_SET}, submitted_at = coalesce(submitted_at, now()),
           heartbeat_at = NULL,
           state = CASE WHEN ${TERMINAL} THEN 'terminal' ELSE 'live' END
         WHERE id = $1 AND state = 'uncertain'`,
        [id, ...status(found)],
      );
    },

    async returnToPending(processingType, owner, items) {
      if (items.length === 0) return;
      await db.query(
        `UPDATE llm_enrichments e
            SET error = u.reason, claimed_by = NULL, claim_expires_at = NULL
           FROM unnest($3::int[], $4::text[], $5::text[]) AS u(animal_id, lang, reason)
          WHERE e.animal_id = u.animal_id AND e.target_language = u.lang
            AND e.processing_type = $2 AND e.claimed_by = $1`,
        [
          owner,
          processingType,
          items.map((i) => i.animalId),
          items.map((i) => i.targetLanguage),
          items.map((i) => i.reason.slice(0, 2000)),
        ],
      );
    },
  };
}

export interface BatchListRow {
  readonly id: string;
  readonly providerBatchId: string | null;
  readonly processingType: string;
  readonly model: string;
  readonly state: string;
  readonly providerStatus: string | null;
  readonly requests: number;
  readonly completed: number;
  readonly failed: number;
  readonly costUsd: number | null;
  readonly runId: string;
  readonly owner: string;
  readonly error: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

/** Newest first: what `rescue-llm batches` prints. */
export async function listBatches(db: Database, limit = 50): Promise<BatchListRow[]> {
  const rows = await db.query<{
    id: string;
    provider_batch_id: string | null;
    processing_type: string;
    model: string;
    state: string;
    provider_status: string | null;
    request_count: number;
    completed_count: number;
    failed_count: number;
    cost_usd: string | number | null;
    run_id: string;
    owner: string;
    error: string | null;
    created_at: Date | string;
    finished_at: Date | string | null;
  }>(
    `SELECT id, provider_batch_id, processing_type, model, state, provider_status, request_count,
            completed_count, failed_count, cost_usd, run_id, owner, error, created_at, finished_at
       FROM llm_batches ORDER BY created_at DESC, id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    providerBatchId: r.provider_batch_id,
    processingType: r.processing_type,
    model: r.model,
    state: r.state,
    providerStatus: r.provider_status,
    requests: Number(r.request_count),
    completed: Number(r.completed_count),
    failed: Number(r.failed_count),
    costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    runId: r.run_id,
    owner: r.owner,
    error: r.error,
    createdAt: new Date(r.created_at).toISOString(),
    finishedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
  }));
}
