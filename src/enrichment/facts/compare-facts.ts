// The rules of issue 14 over two fact lists: an output asserts nothing the source does not,
// flips nothing, and — where it must keep everything (cleaning, translation) — drops nothing.
import {
  COMPATIBILITY_KINDS,
  IMPLIED_KEYS,
  WARNING_KEYS,
  flippedValue,
  type Fact,
  type FactKind,
} from "./fact-kinds.js";

export interface FactComparisonInput {
  /** Facts of the source narrative (the ones an output must keep). */
  readonly source: readonly Fact[];
  /** Keys the source states elsewhere (structured fields): allowed, not required. */
  readonly sourceExtraKeys?: readonly string[];
  readonly output: readonly Fact[];
  /** Keys the output states in a reading that does not count against it (e.g. inside a name). */
  readonly outputExtraKeys?: readonly string[];
  /** Cleaning and translation keep every fact; profiles and bios need not. */
  readonly mustKeepAll: boolean;
  /**
   * A cleaned text keeps its sentences: each warning is stated in at least as many sentences
   * as in the source, so a second warning sentence of the same kind cannot go missing.
   */
  readonly keepWarningSentences?: boolean;
  /** How the output is named in reasons ("the cleaned description"). */
  readonly outputName: string;
}

export interface FactProblem {
  readonly problem: "added" | "flipped" | "dropped";
  readonly key: string;
  readonly reason: string;
}

const COMPAT = new Set<FactKind>(COMPATIBILITY_KINDS);

/**
 * `keys` with what they imply. `strict` keeps only implications that say the same thing (an
 * only pet lives without other dogs or cats): an output that keeps "bites" but drops
 * "aggressive" has still dropped a warning sentence.
 */
export function closure(keys: Iterable<string>, strict = false): Set<string> {
  const out = new Set<string>();
  const add = (key: string): void => {
    if (out.has(key)) return;
    out.add(key);
    if (strict && key !== "only_pet:yes") return;
    for (const implied of IMPLIED_KEYS[key] ?? []) add(implied);
  };
  for (const key of keys) add(key);
  return out;
}

function kindOf(key: string): FactKind {
  return key.slice(0, key.indexOf(":")) as FactKind;
}

function valueOf(key: string): string {
  return key.slice(key.indexOf(":") + 1);
}

/**
 * Whether `key` is covered by `keys`: the same fact, or for a compatibility a softer reading
 * ("selective" covers and is covered by a yes or a no about the same animals).
 */
export function covers(keys: ReadonlySet<string>, key: string): boolean {
  if (keys.has(key)) return true;
  const kind = kindOf(key);
  if (!COMPAT.has(kind)) return false;
  const value = valueOf(key);
  if (value === "selective") return keys.has(`${kind}:yes`) || keys.has(`${kind}:no`);
  return keys.has(`${kind}:selective`) && value === "no";
}

export function compareFacts(input: FactComparisonInput): FactProblem[] {
  const sourceKeys = closure([...input.source.map((f) => f.key), ...(input.sourceExtraKeys ?? [])]);
  const outputKeys = closure(
    [...input.output.map((f) => f.key), ...(input.outputExtraKeys ?? [])],
    true,
  );
  const problems: FactProblem[] = [];
  const reported = new Set<string>();
  for (const fact of input.output) {
    if (reported.has(fact.key) || covers(sourceKeys, fact.key)) continue;
    reported.add(fact.key);
    const opposite = flippedValue(fact.kind, fact.value);
    const flipped = opposite !== undefined && sourceKeys.has(`${fact.kind}:${opposite}`);
    problems.push({
      problem: flipped ? "flipped" : "added",
      key: fact.key,
      reason: flipped
        ? `${input.outputName} turns "${fact.kind}: ${opposite}" of the listing into "${fact.value}": "${fact.sentence}"`
        : `${input.outputName} states "${fact.kind}: ${fact.value}", which the listing does not: "${fact.sentence}"`,
    });
  }
  if (input.mustKeepAll) {
    for (const fact of input.source) {
      if (reported.has(fact.key) || covers(outputKeys, fact.key)) continue;
      reported.add(fact.key);
      const what = WARNING_KEYS.has(fact.key) ? "warning" : "fact";
      problems.push({
        problem: "dropped",
        key: fact.key,
        reason: `${input.outputName} drops the listing's ${what} "${fact.kind}: ${fact.value}": "${fact.sentence}"`,
      });
    }
  }
  if (input.keepWarningSentences) {
    for (const key of WARNING_KEYS) {
      if (reported.has(key)) continue;
      const before = sentenceCount(input.source, key);
      const after = sentenceCount(input.output, key);
      if (before > 1 && after < before) {
        problems.push({
          problem: "dropped",
          key,
          reason: `${input.outputName} states the listing's warning "${key.replace(":", ": ")}" in ${after} sentence(s); the listing does in ${before}`,
        });
      }
    }
  }
  return problems;
}

function sentenceCount(facts: readonly Fact[], key: string): number {
  return new Set(facts.filter((f) => f.key === key).map((f) => f.sentenceSpan.start)).size;
}
