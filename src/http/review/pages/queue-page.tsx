// The queue: filters, a tab per state with its count, one row per result, keyset pages.
import { PROCESSING_TYPES } from "../../../config.js";
import type { OrganizationChoice } from "../../../db/review-queue-store.js";
import { encodeQueueCursor } from "../../../review/queue-cursor.js";
import type { QueueView } from "../../../review/read-review-queue.js";
import { QUEUE_STATE_LABELS, QUEUE_STATES, type QueueRow } from "../../../review/review-types.js";
import { dogHref, itemKeyOf, queueHref, queueSearch, type QueueParams } from "../review-urls.js";
import { Badge, formatTime, itemLabel, StateBadge, TYPE_LABELS } from "./badges.js";
import { Layout } from "./layout.js";

export interface QueuePageProps {
  readonly view: QueueView;
  readonly params: QueueParams;
  readonly organizations: readonly OrganizationChoice[];
  readonly languages: readonly string[];
  readonly staff: string;
  readonly openDevelopment: boolean;
  readonly csrfToken: string;
  readonly focus?: string | undefined;
  readonly notice?: string | undefined;
}

export function QueuePage(props: QueuePageProps): JSX.Element {
  const { view, params } = props;
  const state = view.filter.state;
  const from = queueSearch(params);
  const base: QueueParams = { ...params, after: undefined, before: undefined };
  return (
    <Layout
      title={`${QUEUE_STATE_LABELS[state]} · Queue`}
      page="queue"
      staff={props.staff}
      openDevelopment={props.openDevelopment}
      csrfToken={props.csrfToken}
    >
      <div id="queue" hx-boost="true" hx-target="#queue" hx-select="#queue" hx-swap="outerHTML">
        <h1>Review queue</h1>
        {props.notice !== undefined && (
          <p class="banner ok" role="status" safe>
            {props.notice}
          </p>
        )}
        <form
          method="get"
          action="/review"
          class="filters"
          role="search"
          hx-get="/review"
          hx-trigger="change, submit"
          hx-push-url="true"
        >
          <input type="hidden" name="state" value={state} />
          <div class="field">
            <label for="filter-organization">Organization</label>
            <select id="filter-organization" name="organization_id">
              <option value="">All organizations</option>
              {props.organizations.map((o) => (
                <option value={String(o.id)} selected={view.filter.organizationId === o.id} safe>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="filter-type">Result</label>
            <select id="filter-type" name="processing_type">
              <option value="">All results</option>
              {PROCESSING_TYPES.map((t) => (
                <option value={t} selected={view.filter.processingType === t}>
                  {TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="filter-language">Language</label>
            <select id="filter-language" name="language">
              <option value="">Any language</option>
              {props.languages.map((l) => (
                <option value={l} selected={view.filter.targetLanguage === l} safe>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <div class="field grow">
            <label for="queue-search">Name or external id</label>
            <input
              id="queue-search"
              name="q"
              type="search"
              value={view.filter.search ?? ""}
              placeholder="Starts with…"
              autocomplete="off"
            />
          </div>
          <button type="submit">Apply</button>
        </form>
        <nav class="tabs" aria-label="Review state">
          {QUEUE_STATES.map((s) => (
            <a
              href={queueHref({ ...base, state: s })}
              class={s === state ? "tab current" : "tab"}
              aria-current={s === state ? "page" : undefined}
            >
              <span safe>{QUEUE_STATE_LABELS[s]}</span> <span class="count">{view.counts[s]}</span>
            </a>
          ))}
        </nav>
        {view.page.rows.length === 0 ? (
          <p class="empty">Nothing here: no result matches these filters.</p>
        ) : (
          <table class="queue">
            <caption class="visually-hidden">Results, {view.page.rows.length} on this page</caption>
            <thead>
              <tr>
                <th scope="col">Dog</th>
                <th scope="col">Organization</th>
                <th scope="col">Result</th>
                <th scope="col">State</th>
                <th scope="col">Notes</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.page.rows.map((row) => (
                <QueueRowView
                  row={row}
                  from={from}
                  csrfToken={props.csrfToken}
                  focus={props.focus}
                />
              ))}
            </tbody>
          </table>
        )}
        <nav class="pages" aria-label="Pages">
          {view.page.prevCursor ? (
            <a
              href={queueHref({ ...base, before: encodeQueueCursor(view.page.prevCursor) })}
              rel="prev"
            >
              ← Previous
            </a>
          ) : (
            <span />
          )}
          {view.page.nextCursor ? (
            <a
              href={queueHref({ ...base, after: encodeQueueCursor(view.page.nextCursor) })}
              rel="next"
            >
              Next →
            </a>
          ) : (
            <span />
          )}
        </nav>
      </div>
    </Layout>
  );
}

function QueueRowView(props: {
  readonly row: QueueRow;
  readonly from: string;
  readonly csrfToken: string;
  readonly focus: string | undefined;
}): JSX.Element {
  const { row } = props;
  const key = itemKeyOf(row.processingType, row.targetLanguage);
  const rowKey = `${row.animalId}:${key}`;
  const href = dogHref(row.animalId, props.from, {
    type: row.processingType,
    language: row.targetLanguage,
  });
  const note = row.error ?? row.flags.find((f) => !f.startsWith("source_language:")) ?? "";
  const canApprove = row.reviewState !== null && row.reviewState !== "approved";
  return (
    <tr data-row data-key={rowKey} data-focus={props.focus === rowKey ? "true" : undefined}>
      <td>
        <a href={href} class="dog-link" data-open>
          <strong safe>{row.name === "" ? "(no name)" : row.name}</strong>
        </a>
        {row.externalId !== null && (
          <span class="muted small" safe>
            {row.externalId}
          </span>
        )}
      </td>
      <td safe>{row.organizationName}</td>
      <td safe>{itemLabel(row.processingType, row.targetLanguage)}</td>
      <td>
        <div class="badges">
          <StateBadge state={row.reviewState} />
          {row.publishedIsCurrent ? (
            <Badge kind="published" />
          ) : row.published ? null : (
            <Badge kind="unpublished" />
          )}
          {row.staffEdited && <Badge kind="staff" />}
          {row.attemptStatus === "failed" && <Badge kind="failed" />}
          {row.flagged && <Badge kind="flagged" />}
          {row.stale && <Badge kind="stale" />}
        </div>
      </td>
      <td class="note" safe>
        {note.length > 140 ? `${note.slice(0, 139)}…` : note}
      </td>
      <td class="small" safe>
        {formatTime(row.updatedAt)}
      </td>
      <td class="row-actions">
        {canApprove && (
          <form method="post" action={`/review/animals/${row.animalId}/actions`}>
            <input type="hidden" name="_csrf" value={props.csrfToken} />
            <input type="hidden" name="processing_type" value={row.processingType} />
            <input type="hidden" name="target_language" value={row.targetLanguage} />
            <input type="hidden" name="action" value="approve" />
            <input type="hidden" name="return_to" value="queue" />
            <input type="hidden" name="from" value={props.from} />
            <button type="submit" data-approve>
              Approve
            </button>
          </form>
        )}
        <a href={`${href}#reject-${key}`} data-reject class="visually-hidden">
          Reject
        </a>
        <a href={`${href}&edit=1`} data-edit class="visually-hidden">
          Edit
        </a>
      </td>
    </tr>
  );
}
