// A profile: each claim next to its evidence quote, numbered as highlighted in the listing;
// and its editor.
import {
  COMPATIBILITY_FIELDS,
  COMPATIBILITY_VALUES,
  type DogProfile,
  type Evidence,
} from "../../../enrichment/dog-profile-schema.js";
import { profileToForm, type ProfileFormFields } from "../../../review/profile-form.js";

/** Evidence quote → its number in the source panel (absent: not found in the listing text). */
export type QuoteNumbers = ReadonlyMap<string, number>;

const COMPAT_LABELS = {
  good_with_dogs: "Dogs",
  good_with_cats: "Cats",
  good_with_children: "Children",
} as const;

function EvidenceCell(props: {
  readonly evidence: readonly Evidence[];
  readonly quoteNumbers: QuoteNumbers;
}): JSX.Element {
  if (props.evidence.length === 0) return <td class="muted">no quote</td>;
  return (
    <td>
      {props.evidence.map((e) => {
        const n = props.quoteNumbers.get(e.quote);
        return (
          <div class="evidence">
            {n === undefined ? (
              <span class="badge flagged" title="This quote is not in the listing text">
                not in the listing
              </span>
            ) : (
              <a href={`#quote-${n}`} class="quote-ref" safe>
                {`#${n}`}
              </a>
            )}{" "}
            <q safe>{e.quote}</q>
          </div>
        );
      })}
    </td>
  );
}

export function ProfileView(props: {
  readonly profile: DogProfile;
  readonly quoteNumbers: QuoteNumbers;
}): JSX.Element {
  const p = props.profile;
  const evidence = Array.isArray(p.evidence) ? p.evidence : [];
  const claim = (field: Evidence["field"], value: string) =>
    evidence.filter((e) => e.field === field && (e.claim === value || field === "fun_fact"));
  const rows: { label: string; value: string; evidence: Evidence[] }[] = [
    ...(p.personality_traits ?? []).map((t) => ({
      label: "Trait",
      value: t,
      evidence: claim("personality_traits", t),
    })),
    ...(p.interests ?? []).map((i) => ({
      label: "Interest",
      value: i,
      evidence: claim("interests", i),
    })),
    ...(p.fun_fact
      ? [{ label: "Fun fact", value: p.fun_fact, evidence: claim("fun_fact", p.fun_fact) }]
      : []),
    ...COMPATIBILITY_FIELDS.map((f) => ({
      label: `With ${COMPAT_LABELS[f].toLowerCase()}`,
      value: p[f] ?? "unknown",
      evidence: p[f] === "unknown" ? [] : evidence.filter((e) => e.field === f),
    })),
  ];
  return (
    <div class="profile">
      <p class="tagline" safe>
        {p.tagline ?? ""}
      </p>
      <p class="prose" safe>
        {p.bio ?? ""}
      </p>
      <p class="prose">
        <strong>Looking for: </strong>
        <span safe>{p.looking_for ?? ""}</span>
      </p>
      <table class="claims">
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Value</th>
            <th scope="col">Evidence in the listing</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <th scope="row" safe>
                {row.label}
              </th>
              <td safe>{row.value}</td>
              <EvidenceCell evidence={row.evidence} quoteNumbers={props.quoteNumbers} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ProfileEditor(props: {
  readonly id: string;
  readonly value: unknown;
  readonly draft: ProfileFormFields | undefined;
}): JSX.Element {
  const f = props.draft ?? profileToForm(props.value);
  const id = (name: string) => `edit-${props.id}-${name}`;
  return (
    <fieldset class="profile-editor">
      <legend>Profile</legend>
      <label for={id("tagline")}>Tagline (at most 60 characters)</label>
      <input
        id={id("tagline")}
        name="tagline"
        type="text"
        maxlength="60"
        value={f.tagline}
        data-edit-field
      />
      <label for={id("bio")}>Bio (2–3 sentences)</label>
      <textarea id={id("bio")} name="bio" rows="4" safe>
        {f.bio}
      </textarea>
      <label for={id("looking_for")}>Looking for</label>
      <textarea id={id("looking_for")} name="looking_for" rows="2" safe>
        {f.looking_for}
      </textarea>
      <label for={id("traits")}>Traits: one per line, “trait | quote from the listing”</label>
      <textarea id={id("traits")} name="personality_traits" rows="5" safe>
        {f.personality_traits}
      </textarea>
      <label for={id("interests")}>Interests: one per line, “interest | quote”</label>
      <textarea id={id("interests")} name="interests" rows="4" safe>
        {f.interests}
      </textarea>
      <label for={id("fun_fact")}>Fun fact (optional)</label>
      <input id={id("fun_fact")} name="fun_fact" type="text" value={f.fun_fact} />
      <label for={id("fun_fact_quote")}>Its quote</label>
      <input id={id("fun_fact_quote")} name="fun_fact_quote" type="text" value={f.fun_fact_quote} />
      {COMPATIBILITY_FIELDS.map((field) => (
        <div class="compat-row">
          <label for={id(field)} safe>
            {`Good with ${COMPAT_LABELS[field].toLowerCase()}`}
          </label>
          <select id={id(field)} name={field}>
            {COMPATIBILITY_VALUES.map((v) => (
              <option value={v} selected={f[field] === v}>
                {v}
              </option>
            ))}
          </select>
          <label for={id(`${field}_quote`)} class="visually-hidden" safe>
            {`Quote for good with ${COMPAT_LABELS[field].toLowerCase()}`}
          </label>
          <input
            id={id(`${field}_quote`)}
            name={`${field}_quote`}
            type="text"
            placeholder="quote from the listing"
            value={f[`${field}_quote`]}
          />
        </div>
      ))}
    </fieldset>
  );
}
