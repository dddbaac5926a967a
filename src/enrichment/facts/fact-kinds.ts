// The facts that decide a placement (issue 14): each kind has a small set of values; a fact is
// one kind with one value, read from a span of a text.

export const BINARY_FACT_KINDS = [
  "children",
  "cats",
  "dogs",
  "house_trained",
  "vaccinated",
  "neutered",
  "microchipped",
  "health_condition",
  "medication",
  "special_needs",
  "aggression",
  "biting",
  "muzzle",
  "resource_guarding",
  "separation_anxiety",
  "fearful",
  "reactive",
  "escape_artist",
  "experienced_owner",
  "only_pet",
] as const;

export const FACT_VALUES = {
  ...(Object.fromEntries(BINARY_FACT_KINDS.map((k) => [k, ["yes", "no"]])) as unknown as Record<
    (typeof BINARY_FACT_KINDS)[number],
    readonly ["yes", "no"]
  >),
  children: ["yes", "no", "selective"],
  cats: ["yes", "no", "selective"],
  dogs: ["yes", "no", "selective"],
  energy: ["high", "low"],
  sex: ["male", "female"],
  age: ["puppy", "senior"],
} as const satisfies Record<string, readonly string[]>;

export type FactKind = keyof typeof FACT_VALUES;
export const FACT_KINDS = Object.keys(FACT_VALUES) as FactKind[];

/** "cats:no" */
export type FactKey = `${FactKind}:${string}`;

export const COMPATIBILITY_KINDS = ["children", "cats", "dogs"] as const;
export type CompatibilityKind = (typeof COMPATIBILITY_KINDS)[number];

/** Behaviour and health warnings: the facts whose loss puts a dog in the wrong home. */
export const WARNING_KEYS: ReadonlySet<string> = new Set([
  "children:no",
  "cats:no",
  "dogs:no",
  "health_condition:yes",
  "medication:yes",
  "special_needs:yes",
  "aggression:yes",
  "biting:yes",
  "muzzle:yes",
  "resource_guarding:yes",
  "separation_anxiety:yes",
  "fearful:yes",
  "reactive:yes",
  "escape_artist:yes",
  "experienced_owner:yes",
  "only_pet:yes",
]);

/** What else a fact says: "must be the only pet" also says "no other dogs" and "no cats". */
export const IMPLIED_KEYS: Readonly<Record<string, readonly string[]>> = {
  "only_pet:yes": ["dogs:no", "cats:no"],
  "biting:yes": ["aggression:yes"],
  "medication:yes": ["health_condition:yes"],
};

export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export interface Fact {
  readonly kind: FactKind;
  readonly value: string;
  readonly key: string;
  /** The words the fact was read from (offsets into the text read). */
  readonly span: TextSpan;
  readonly matched: string;
  /** The sentence it stands in. */
  readonly sentence: string;
  readonly sentenceSpan: TextSpan;
  /** Whether a negation in the clause turned the lexicon's value around. */
  readonly negated: boolean;
}

export function factKey(kind: FactKind, value: string): string {
  return `${kind}:${value}`;
}

/** The opposite value of a yes/no fact, or undefined for the other kinds. */
export function flippedValue(kind: FactKind, value: string): string | undefined {
  const values = FACT_VALUES[kind] as readonly string[];
  if (values.length === 2 || values.includes("selective")) {
    if (value === "yes") return "no";
    if (value === "no") return "yes";
  }
  if (kind === "energy") return value === "high" ? "low" : "high";
  if (kind === "sex") return value === "male" ? "female" : "male";
  if (kind === "age") return value === "puppy" ? "senior" : "puppy";
  return undefined;
}
