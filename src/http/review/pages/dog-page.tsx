// The dog page: the listing beside every result (diff, evidence, translations), each
// result's state, flags and attempts, the actions, and the audit trail.
import type { ReviewMode } from "../../../config.js";
import type { DogProfile } from "../../../enrichment/dog-profile-schema.js";
import { processingTypeDefinition } from "../../../enrichment/processing-types/processing-types.js";
import type { ProfileFormFields } from "../../../review/profile-form.js";
import {
  versionInEffect,
  type AnimalReview,
  type AttemptRecord,
  type ResultVersion,
  type ReviewItem,
} from "../../../review/review-types.js";
import { itemKeyOf } from "../review-urls.js";
import { Badge, formatTime, itemLabel, StateBadge, TYPE_LABELS } from "./badges.js";
import { Layout } from "./layout.js";
import { ProfileEditor, ProfileView, type QuoteNumbers } from "./profile-view.js";
import { SourcePanel, type LocatedQuote } from "./source-panel.js";
import { WordDiff } from "./word-diff.js";

export interface DogPageProps {
  readonly review: AnimalReview;
  /** The listing text the results were made from (HTML reduced, mojibake repaired). */
  readonly sourceText: string;
  /** What translations work from: the published cleaned description, else the listing. */
  readonly translationSource: string;
  readonly facts: readonly (readonly [string, string])[];
  readonly quotes: readonly LocatedQuote[];
  readonly quoteNumbers: QuoteNumbers;
  readonly reviewMode: ReviewMode;
  readonly from: string;
  readonly backHref: string;
  readonly prevHref: string | undefined;
  readonly nextHref: string | undefined;
  readonly staff: string;
  readonly openDevelopment: boolean;
  readonly csrfToken: string;
  readonly focus: string | undefined;
  readonly editOpen: string | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
  /** What was typed into a rejected edit, to fill the form again. */
  readonly draft?: {
    readonly key: string;
    readonly text?: string;
    readonly profile?: ProfileFormFields;
  };
  /** Processing types (and languages) with no item yet, offered to run. */
  readonly missing: readonly {
    readonly type: ReviewItem["processingType"];
    readonly language: string;
  }[];
}

export function DogPage(props: DogPageProps): JSX.Element {
  const { animal, items } = props.review;
  const name = animal.name.trim() === "" ? "(no name)" : animal.name;
  const adoptionUrl = safeHttpUrl(animal.adoptionUrl);
  const meta = [animal.breed, animal.ageText, animal.sex, animal.size]
    .filter((v): v is string => v !== null && v.trim() !== "")
    .join(" · ");
  return (
    <Layout
      title={name}
      page="dog"
      staff={props.staff}
      openDevelopment={props.openDevelopment}
      csrfToken={props.csrfToken}
    >
      <nav class="dog-nav" aria-label="Queue">
        <a href={props.backHref} data-shortcut="back">
          ← Queue
        </a>
        <span class="spacer" />
        {props.prevHref ? (
          <a href={props.prevHref} rel="prev" data-shortcut="prev-dog">
            ← Previous dog
          </a>
        ) : (
          <span class="muted">First in queue</span>
        )}
        {props.nextHref ? (
          <a href={props.nextHref} rel="next" data-shortcut="next-dog">
            Next dog →
          </a>
        ) : (
          <span class="muted">Last in queue</span>
        )}
      </nav>
      <header class="dog-header">
        <h1 safe>{name}</h1>
        <p class="muted">
          <span safe>{animal.organizationName}</span>
          {animal.externalId !== null && (
            <>
              {" · "}
              <span safe>{animal.externalId}</span>
            </>
          )}
          {meta !== "" && (
            <>
              {" · "}
              <span safe>{meta}</span>
            </>
          )}
          {" · "}
          <span>review mode </span>
          <strong>{props.reviewMode === "required" ? "required" : "off"}</strong>
        </p>
        {adoptionUrl !== undefined && (
          <p>
            <a href={adoptionUrl} rel="noopener noreferrer nofollow" target="_blank">
              Adoption page
            </a>
          </p>
        )}
      </header>
      {props.notice !== undefined && (
        <p class="banner ok" role="status" safe>
          {props.notice}
        </p>
      )}
      {props.error !== undefined && (
        <p class="banner error" role="alert" safe>
          {props.error}
        </p>
      )}
      <div class="dog-grid">
        <SourcePanel
          text={props.sourceText}
          raw={animal.description}
          facts={props.facts}
          quotes={props.quotes}
        />
        <div class="results">
          {items.length === 0 && <p class="empty">No results yet for this dog.</p>}
          {items.map((item) => (
            <ItemSection item={item} page={props} />
          ))}
          {props.missing.length > 0 && (
            <section class="panel missing">
              <h2>Not produced yet</h2>
              <ul class="plain">
                {props.missing.map((m) => (
                  <li>
                    <RerunForm
                      page={props}
                      type={m.type}
                      language={m.language}
                      label={`Run ${itemLabel(m.type, m.language)} now`}
                      staffEdited={false}
                    />
                  </li>
                ))}
              </ul>
            </section>
          )}
          <AuditTrail review={props.review} />
        </div>
      </div>
    </Layout>
  );
}

function ItemSection(props: {
  readonly item: ReviewItem;
  readonly page: DogPageProps;
}): JSX.Element {
  const { item, page } = props;
  const key = itemKeyOf(item.processingType, item.targetLanguage);
  const current = versionInEffect(item);
  const publishedIsCurrent = current !== undefined && item.published?.id === current.id;
  const attempts = page.review.attempts.filter(
    (a) => a.processingType === item.processingType && a.targetLanguage === item.targetLanguage,
  );
  const newerCandidate =
    item.staff !== undefined &&
    item.candidate !== undefined &&
    item.candidate.createdAt > item.staff.createdAt
      ? item.candidate
      : undefined;
  const headingId = `heading-${key.replace(":", "-")}`;
  return (
    <section
      class="panel item"
      id={`item-${key}`}
      data-item={key}
      data-focus={page.focus === key ? "true" : undefined}
      tabindex="-1"
      aria-labelledby={headingId}
    >
      <header class="item-head">
        <h2 id={headingId} safe>
          {itemLabel(item.processingType, item.targetLanguage)}
        </h2>
        <div class="badges">
          <StateBadge state={item.reviewState} />
          {publishedIsCurrent ? (
            <Badge kind="published" />
          ) : (
            <Badge
              kind="unpublished"
              title={item.published ? "An older version is published" : "Nothing is published"}
            />
          )}
          {item.staff !== undefined && <Badge kind="staff" />}
          {item.flagged && <Badge kind="flagged" />}
          {item.stale && <Badge kind="stale" title="The listing changed after this was made" />}
          {item.attemptStatus === "failed" && <Badge kind="failed" />}
        </div>
      </header>
      {item.reviewState === "rejected" && item.reviewReason !== null && (
        <p class="reason">
          Rejected by <strong safe>{item.reviewedBy ?? "?"}</strong>:{" "}
          <q safe>{item.reviewReason}</q>
        </p>
      )}
      {current === undefined ? (
        <p class="muted">No result yet.</p>
      ) : (
        <VersionView item={item} version={current} page={page} />
      )}
      {current !== undefined && <Provenance version={current} />}
      {item.attemptStatus === "failed" && item.attemptError !== null && (
        <div class="failure">
          <h3>Why the last attempt failed</h3>
          <ul>
            {item.attemptFlags.map((reason) => (
              <li safe>{reason}</li>
            ))}
          </ul>
        </div>
      )}
      {newerCandidate !== undefined && (
        <details class="other-version">
          <summary>A newer model output waits behind the staff edit</summary>
          <VersionView item={item} version={newerCandidate} page={page} />
          <Provenance version={newerCandidate} />
        </details>
      )}
      {item.published !== undefined && !publishedIsCurrent && (
        <details class="other-version">
          <summary>What is published now</summary>
          <VersionView item={item} version={item.published} page={page} />
          <Provenance version={item.published} />
        </details>
      )}
      <ItemActions item={item} page={page} itemKey={key} hasVersion={current !== undefined} />
      <Attempts attempts={attempts} />
    </section>
  );
}

function VersionView(props: {
  readonly item: ReviewItem;
  readonly version: ResultVersion;
  readonly page: DogPageProps;
}): JSX.Element {
  const { item, version, page } = props;
  if (item.processingType === "dog_profiler") {
    return <ProfileView profile={version.value as DogProfile} quoteNumbers={page.quoteNumbers} />;
  }
  const text = typeof version.value === "string" ? version.value : JSON.stringify(version.value);
  if (processingTypeDefinition(item.processingType).sourceFields === "display_text") {
    return (
      <div class="side-by-side">
        <div>
          <h3>Source</h3>
          <p class="prose" safe>
            {page.translationSource}
          </p>
        </div>
        <div lang={item.targetLanguage}>
          <h3 safe>{`Translation (${item.targetLanguage})`}</h3>
          <p class="prose" safe>
            {text}
          </p>
        </div>
      </div>
    );
  }
  return (
    <div>
      <h3>Changes from the listing</h3>
      <p class="legend small">
        <del>removed</del> <ins>added</ins>
      </p>
      <WordDiff before={page.sourceText} after={text} />
      <details>
        <summary>Cleaned text only</summary>
        <p class="prose" safe>
          {text}
        </p>
      </details>
    </div>
  );
}

function Provenance(props: { readonly version: ResultVersion }): JSX.Element {
  const v = props.version;
  const flags = v.flags.filter((f) => !f.startsWith("source_language:"));
  const origin =
    v.origin === "staff"
      ? `staff edit by ${v.createdBy ?? "?"}`
      : v.origin === "legacy"
        ? "from before review"
        : "model output";
  return (
    <div class="provenance small">
      <span safe>{origin}</span>
      {v.model !== null && (
        <>
          {" · model "}
          <code safe>{v.model}</code>
        </>
      )}
      {v.promptVersion !== null && (
        <>
          {" · prompt "}
          <code safe>{v.promptVersion}</code>
        </>
      )}
      {" · "}
      <span safe>{formatTime(v.createdAt)}</span>
      {v.sourceHash !== null && (
        <>
          {" · source "}
          <code safe>{v.sourceHash.slice(0, 10)}</code>
        </>
      )}
      {flags.length > 0 && (
        <div class="findings" role="note">
          <strong>{v.origin === "staff" ? "Guard findings on this edit" : "Guard flags"}</strong>
          <ul>
            {flags.map((f) => (
              <li safe>{f}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function hidden(page: DogPageProps, item: { type: string; language: string }, action: string) {
  return (
    <>
      <input type="hidden" name="_csrf" value={page.csrfToken} />
      <input type="hidden" name="processing_type" value={item.type} />
      <input type="hidden" name="target_language" value={item.language} />
      <input type="hidden" name="from" value={page.from} />
      <input type="hidden" name="action" value={action} />
    </>
  );
}

function ItemActions(props: {
  readonly item: ReviewItem;
  readonly page: DogPageProps;
  readonly itemKey: string;
  readonly hasVersion: boolean;
}): JSX.Element {
  const { item, page, itemKey } = props;
  const action = `/review/animals/${item.animalId}/actions`;
  const ref = { type: item.processingType, language: item.targetLanguage };
  const current = versionInEffect(item);
  const draft = page.draft?.key === itemKey ? page.draft : undefined;
  const id = itemKey.replace(":", "-");
  return (
    <div class="actions">
      {props.hasVersion && (
        <form method="post" action={action} class="inline">
          {hidden(page, ref, "approve")}
          <button type="submit" class="primary" data-approve>
            Approve{item.reviewState === "approved" ? " again" : ""}
          </button>
        </form>
      )}
      {props.hasVersion && (
        <form method="post" action={action} class="inline reject">
          {hidden(page, ref, "reject")}
          <label for={`reject-${itemKey}`}>Reason</label>
          <input
            id={`reject-${itemKey}`}
            name="reason"
            type="text"
            required
            maxlength="1000"
            placeholder="Why is this not good enough?"
            data-reject-reason
          />
          <button type="submit" class="danger" data-reject>
            Reject
          </button>
        </form>
      )}
      <details
        class="edit"
        id={`edit-${id}`}
        open={page.editOpen === itemKey || draft !== undefined}
        data-edit
      >
        <summary>Edit</summary>
        <form method="post" action={action} class="stack">
          {hidden(page, ref, "edit")}
          {item.processingType === "dog_profiler" ? (
            <ProfileEditor id={id} value={current?.value} draft={draft?.profile} />
          ) : (
            <>
              <label for={`edit-text-${id}`}>{TYPE_LABELS[item.processingType]}</label>
              <textarea id={`edit-text-${id}`} name="text" rows="10" required data-edit-field safe>
                {draft?.text ?? (typeof current?.value === "string" ? current.value : "")}
              </textarea>
            </>
          )}
          <label for={`edit-reason-${id}`}>Note (optional)</label>
          <input id={`edit-reason-${id}`} name="reason" type="text" maxlength="1000" />
          <p class="small muted">
            Saved as the staff version and checked by the same guards as the model. It is published
            once approved, and a rerun never replaces it unless asked to.
          </p>
          <button type="submit">Save edit</button>
        </form>
      </details>
      <RerunForm
        page={page}
        type={item.processingType}
        language={item.targetLanguage}
        label="Rerun now"
        staffEdited={item.staff !== undefined}
      />
    </div>
  );
}

function RerunForm(props: {
  readonly page: DogPageProps;
  readonly type: ReviewItem["processingType"];
  readonly language: string;
  readonly label: string;
  readonly staffEdited: boolean;
}): JSX.Element {
  const animalId = props.page.review.animal.id;
  const id = `rerun-${props.type}-${props.language}`;
  return (
    <form method="post" action={`/review/animals/${animalId}/actions`} class="inline rerun">
      {hidden(props.page, { type: props.type, language: props.language }, "rerun")}
      {props.staffEdited && (
        <label class="check" for={id}>
          <input id={id} type="checkbox" name="replace_staff_edits" value="true" /> replace the
          staff edit
        </label>
      )}
      <button type="submit" safe>
        {props.label}
      </button>
    </form>
  );
}

function Attempts(props: { readonly attempts: readonly AttemptRecord[] }): JSX.Element {
  if (props.attempts.length === 0) return <></>;
  const total = props.attempts.reduce((sum, a) => sum + (a.costUsd ?? 0), 0);
  return (
    <details class="attempts">
      <summary safe>
        {`${props.attempts.length} attempt${props.attempts.length === 1 ? "" : "s"} · $${total.toFixed(5)}`}
      </summary>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Outcome</th>
              <th scope="col">Model</th>
              <th scope="col">Prompt</th>
              <th scope="col">Tokens in / out</th>
              <th scope="col">Cost</th>
              <th scope="col">Time</th>
              <th scope="col">Reasons</th>
            </tr>
          </thead>
          <tbody>
            {props.attempts.map((a) => (
              <tr>
                <td class="small" safe>
                  {formatTime(a.createdAt)}
                </td>
                <td safe>
                  {a.errorCategory === null ? a.status : `${a.status} (${a.errorCategory})`}
                </td>
                <td>
                  <code safe>{a.model ?? "—"}</code>
                </td>
                <td>
                  <code safe>{a.promptVersion ?? "—"}</code>
                </td>
                <td safe>{`${a.promptTokens ?? 0} / ${a.completionTokens ?? 0}`}</td>
                <td safe>{`$${(a.costUsd ?? 0).toFixed(5)}`}</td>
                <td safe>{a.latencyMs === null ? "—" : `${a.latencyMs} ms`}</td>
                <td class="note" safe>
                  {a.errorMessage ?? ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function AuditTrail(props: { readonly review: AnimalReview }): JSX.Element {
  if (props.review.actions.length === 0) return <></>;
  return (
    <section class="panel audit" aria-labelledby="audit-heading">
      <h2 id="audit-heading">History</h2>
      <ol class="plain">
        {props.review.actions.map((a) => (
          <li>
            <span class="small muted" safe>
              {formatTime(a.createdAt)}
            </span>{" "}
            <strong safe>{a.actor}</strong>{" "}
            <span safe>{`${a.action} · ${itemLabel(a.processingType, a.targetLanguage)}`}</span>
            {a.afterState !== null && (
              <span class="muted" safe>{` → ${a.afterState.replace("_", " ")}`}</span>
            )}
            {a.reason !== null && (
              <>
                {": "}
                <q safe>{a.reason}</q>
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Only http(s) links become links: a javascript: or data: URL from a listing stays inert. */
export function safeHttpUrl(value: string | null): string | undefined {
  if (value === null) return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
