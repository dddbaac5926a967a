// How the fake OpenRouter answers the verification pass (claim_check prompts): a careful but
// simple judge. It reads each numbered claim and the listing with the fact lexicons — a claim
// that states a critical fact the listing does not is unsupported, one that states its
// opposite is contradicted — and checks the trait and interest words the fake itself writes
// (fake-model-answers.ts) against the cues it would have picked them from. Everything else is
// supported: the fake judges the facts it can read, as a real judge would judge all of them.
import {
  CLAIMS_CLOSE,
  CLAIMS_OPEN,
  type ClaimVerdict,
} from "../enrichment/prompts/claim-check-prompt.js";
import { closure, covers } from "../enrichment/facts/compare-facts.js";
import { flippedValue } from "../enrichment/facts/fact-kinds.js";
import { FACT_LANGUAGES, sourceLexiconLanguages } from "../enrichment/facts/lexicon.js";
import { readFacts } from "../enrichment/facts/read-facts.js";
import { extractBlock, LISTING_CLOSE, LISTING_OPEN } from "../enrichment/input/listing-block.js";
import { detectLanguage } from "../enrichment/input/detect-language.js";
import { FAKE_CUE_LABELS, fakeCueSupports } from "./fake-model-answers.js";

export interface JudgedClaim {
  readonly id: number;
  readonly field: string;
  readonly text: string;
}

const CLAIM_LINE = /^(\d+)\. \[([a-z_]+)\] (.*)$/;
const QUOTE = / \(quote: "(.*)"\)$/;
const COMPATIBILITY_FIELD: Readonly<Record<string, string>> = {
  good_with_children: "children",
  good_with_cats: "cats",
  good_with_dogs: "dogs",
};

// Built on first use: fake-model-answers.ts imports this module, so its labels are not there
// yet while this one loads.
let words: ReadonlyArray<readonly [string, RegExp]> | undefined;
function labelWords(): ReadonlyArray<readonly [string, RegExp]> {
  words ??= FAKE_CUE_LABELS.map(
    (label) => [label, new RegExp(`(?:^|[^\\p{L}])${label}(?:[^\\p{L}]|$)`, "u")] as const,
  );
  return words;
}

/** The numbered claims of a claim_check request. */
export function readClaims(user: string): JudgedClaim[] {
  const block = extractBlock(user, CLAIMS_OPEN, CLAIMS_CLOSE) ?? "";
  return block.split("\n").flatMap((line) => {
    const m = CLAIM_LINE.exec(line);
    return m ? [{ id: Number(m[1]), field: m[2]!, text: m[3]! }] : [];
  });
}

/** The fake judge's answer to a claim_check request: verdicts by claim number, as JSON. */
export function judgeClaimsLikeAModel(user: string): string {
  const listing = extractBlock(user, LISTING_OPEN, LISTING_CLOSE) ?? "";
  const sourceKeys = closure(
    readFacts(listing, sourceLexiconLanguages(detectLanguage(listing))).map((f) => f.key),
  );
  const verdicts = readClaims(user).map((claim) => {
    const { verdict, reason } = judge(claim, listing, sourceKeys);
    return [String(claim.id), verdict === "supported" ? verdict : `${verdict}: ${reason}`];
  });
  return JSON.stringify(Object.fromEntries(verdicts));
}

function judge(
  claim: JudgedClaim,
  listing: string,
  sourceKeys: ReadonlySet<string>,
): { verdict: ClaimVerdict; reason?: string } {
  const text = claim.text.replace(QUOTE, "");
  const compatibility = COMPATIBILITY_FIELD[claim.field];
  if (compatibility !== undefined) {
    const key = `${compatibility}:${text.trim()}`;
    const quote = QUOTE.exec(claim.text)?.[1];
    const quoted = quote === undefined ? undefined : quotedKeys(listing, quote);
    if (quoted !== undefined && !covers(quoted, key)) {
      return { verdict: "contradicted", reason: `the quoted words do not say ${key}` };
    }
    if (covers(sourceKeys, key)) return { verdict: "supported" };
    const opposite = flippedValue("children", text.trim());
    return opposite !== undefined && sourceKeys.has(`${compatibility}:${opposite}`)
      ? { verdict: "contradicted", reason: `the listing says ${compatibility}: ${opposite}` }
      : { verdict: "unsupported", reason: `the listing says nothing about ${compatibility}` };
  }
  if (claim.field === "personality_traits" || claim.field === "interests") {
    if (fakeCueSupports(text, listing) === false) {
      return { verdict: "unsupported", reason: `the listing does not say "${text}"` };
    }
  }
  // Sentences: the trait words the fake writes, and the critical facts the lexicons read.
  const lowered = text.toLowerCase();
  for (const [label, word] of labelWords()) {
    if (word.test(lowered)) {
      if (fakeCueSupports(label, listing) === false) {
        return { verdict: "unsupported", reason: `the listing does not say "${label}"` };
      }
    }
  }
  const language = detectLanguage(text);
  const languages = [
    ...new Set([language, "en"].filter((l): l is string => FACT_LANGUAGES.includes(l ?? ""))),
  ];
  for (const fact of readFacts(text, languages)) {
    if (covers(sourceKeys, fact.key)) continue;
    const opposite = flippedValue(fact.kind, fact.value);
    if (opposite !== undefined && sourceKeys.has(`${fact.kind}:${opposite}`)) {
      return { verdict: "contradicted", reason: `the listing says ${fact.kind}: ${opposite}` };
    }
    return {
      verdict: "unsupported",
      reason: `the listing does not say ${fact.kind}: ${fact.value}`,
    };
  }
  return { verdict: "supported" };
}

/** The fact keys the quoted words carry where they stand in the listing; undefined if not found. */
function quotedKeys(listing: string, quote: string): Set<string> | undefined {
  const at = listing.toLowerCase().indexOf(quote.toLowerCase());
  if (at < 0) return undefined;
  const languages = sourceLexiconLanguages(detectLanguage(listing));
  return closure(
    readFacts(listing, languages)
      .filter((f) => f.span.start < at + quote.length && at < f.span.end)
      .map((f) => f.key),
  );
}
