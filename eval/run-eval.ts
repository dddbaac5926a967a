// `npm run eval`: the truthfulness evaluation (issue 14). Runs the three processing types, with
// every guard, over real listings from ../shared/data against the fake OpenRouter (a real HTTP
// server) — once with well-behaved answers, and once per fault kind with answers that carry a
// planted fault (src/testing/fault-planting-responder.ts) — and writes eval/RESULTS.md: per
// type and fault kind, how many planted faults were accepted (would reach the database) and
// how many honest outputs were rejected (false alarms).
// Options: --per-file N (listings sampled from each data file; default 150; 0 = all),
// --through-database N (of them, the first N per file also run through the real pipeline and a
// PGlite database, sync and batch; default 40),
// --all-languages N (listings translated into every CLI target language; default 25),
// --data DIR (default ../shared/data, see src/testing/shared-data.ts), --out FILE (default eval/RESULTS.md).
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadConfig, SUPPORTED_LANGUAGES } from "../src/config.js";
import type { AnimalSource } from "../src/enrichment/animal-source.js";
import { cleanDescription } from "../src/enrichment/clean-description.js";
import type { EnrichmentDeps } from "../src/enrichment/enrichment-deps.js";
import { generateProfile } from "../src/enrichment/generate-profile.js";
import { cleanSourceText } from "../src/enrichment/input/clean-source-text.js";
import { prepareFacts, prepareListing } from "../src/enrichment/input/prepare-listing.js";
import type { ProcessingOutcome } from "../src/enrichment/processing-outcome.js";
import type { ResultCache } from "../src/enrichment/result-cache.js";
import { translateText } from "../src/enrichment/translate-text.js";
import { createSharedAnswers } from "../src/enrichment/shared-answers.js";
import { evaluateThroughDatabase } from "./through-database.js";
import { createOpenRouterClient } from "../src/llm/openrouter-client.js";
import { answerLikeAModel, readFakeRequest } from "../src/testing/fake-model-answers.js";
import { startFakeOpenRouter } from "../src/testing/fake-openrouter/fake-openrouter-server.js";
import {
  answerWithFault,
  CRITICAL_FACT_FAULTS,
  FAULT_KINDS,
  type FaultKind,
  type FaultTask,
} from "../src/testing/fault-planting-responder.js";
import { sharedDataDir } from "../src/testing/shared-data.js";

const { values: args } = parseArgs({
  options: {
    "per-file": { type: "string", default: "150" },
    "all-languages": { type: "string", default: "25" },
    data: { type: "string" },
    out: { type: "string", default: fileURLToPath(new URL("./RESULTS.md", import.meta.url)) },
    "show-reached": { type: "boolean", default: false },
    "through-database": { type: "string", default: "40" },
  },
});

const PER_FILE = Number(args["per-file"]);
const THROUGH_DATABASE = Number(args["through-database"]);
const ALL_LANGUAGES_SAMPLE = Number(args["all-languages"]);
const FILES = ["listings.jsonl", "listings-eval.jsonl"] as const;
const DEFAULT_TARGETS = ["es", "fr", "de"] as const;
const CONCURRENCY = 16;
const API_KEY = "sk-or-v1-eval";

interface RawListing {
  readonly external_id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly breed: string | null;
  readonly age_text: string | null;
  readonly sex: string | null;
  readonly size: string | null;
  readonly language: string | null;
}

interface Item {
  readonly file: string;
  readonly animal: AnimalSource;
  /** The listing's line as read, for importing it into a database. */
  readonly raw: RawListing;
}

function loadSample(file: string): Item[] {
  const rows = readFileSync(`${args.data ?? sharedDataDir()}/${file}`, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as RawListing);
  // Every German listing (they are few), then an even spread of the rest.
  const german = rows.filter((r) => r.language === "de");
  const rest = rows.filter((r) => r.language !== "de");
  const wanted = PER_FILE === 0 ? rows.length : PER_FILE;
  const step = Math.max(1, rest.length / Math.max(1, wanted - german.length));
  const spread: RawListing[] = [];
  for (let i = 0; i < rest.length && german.length + spread.length < wanted; i += step) {
    spread.push(rest[Math.floor(i)]!);
  }
  return [...german, ...spread].map((row, i) => ({
    file,
    raw: row,
    animal: {
      id: i + 1,
      name: row.name,
      breed: row.breed,
      ageText: row.age_text,
      sex: row.sex,
      size: row.size,
      language: row.language,
      description: row.description,
      enrichedDescription: null,
      organizationOverrides: {},
    },
  }));
}

/** Every call computes: each run must reach the fake. */
const noCache: ResultCache = {
  async getOrCompute(_key, compute) {
    const { value } = await compute();
    return { value, hit: false };
  },
  stats: () => ({ size: 0, maxSize: 0, hits: 0, misses: 0, hitRatePercent: 0, totalRequests: 0 }),
};

async function pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

// ------------------------------------------------------------------ the fake and its faults

let currentFault: FaultKind | undefined;
const planted = new Set<string>();

/** How a broken judge answers the verification pass (the output must then never pass). */
const VERIFIER_FAULTS = ["unreadable_verdicts", "missing_verdicts"] as const;
type VerifierFault = (typeof VERIFIER_FAULTS)[number];
let currentVerifierFault: VerifierFault | undefined;

function brokenVerdicts(honest: string, fault: VerifierFault): string {
  if (fault === "unreadable_verdicts") return "All claims look fine to me.";
  const verdicts = Object.entries(JSON.parse(honest) as Record<string, string>);
  return JSON.stringify(Object.fromEntries(verdicts.slice(0, -1)));
}

function plantKey(listing: string, target: string): string {
  return `${target}\u0000${listing}`;
}

const fake = await startFakeOpenRouter({
  apiKey: API_KEY,
  responder(request) {
    if (currentVerifierFault !== undefined && readFakeRequest(request).task === "claim_check") {
      return brokenVerdicts(answerLikeAModel(request), currentVerifierFault);
    }
    if (currentFault === undefined) return answerLikeAModel(request);
    const answer = answerWithFault(request, currentFault);
    if (answer.planted) {
      const parts = readFakeRequest(request);
      const targets = answer.plantedIn ?? [
        parts.task === "translation" ? parts.targetLanguage : "",
      ];
      for (const target of targets) planted.add(plantKey(parts.listing, target));
    }
    return answer.content;
  },
});

/** The pipeline's pieces with LLM_VERIFY set to `verify`. */
function depsWith(verify: "off" | "all"): EnrichmentDeps {
  const config = loadConfig({
    ENVIRONMENT: "test",
    LLM_BASE_URL: fake.baseUrl,
    OPENROUTER_API_KEY: API_KEY,
    LLM_RETRY_MAX_ATTEMPTS: "1",
    LLM_TIMEOUT_SECONDS: "30",
    LLM_VERIFY: verify,
  });
  return {
    config,
    cache: noCache,
    llm: createOpenRouterClient({
      baseUrl: config.llm.baseUrl,
      apiKey: config.llm.apiKey,
      defaultModel: config.llm.defaultModel,
      timeoutMs: config.llm.timeoutMs,
      retry: config.retry,
    }),
  };
}
// The deterministic guards alone, and with every output verified. The default
// (LLM_VERIFY=profiles) is the second for profiles and the first for the other types.
const DEPS = { off: depsWith("off"), all: depsWith("all") } as const;
type Mode = keyof typeof DEPS;
const defaultMode = (task: FaultTask): Mode => (task === "dog_profiler" ? "all" : "off");

// ------------------------------------------------------------------ running one type

interface Unit {
  readonly item: Item;
  readonly target: string;
}

interface Tally {
  attempted: number;
  rejected: number;
  /** Skipped items by code: too thin or empty before any call, or no trait stated (profiles). */
  skipped: Map<string, number>;
  reasons: Map<string, number>;
}

const newTally = (): Tally => ({
  attempted: 0,
  rejected: 0,
  skipped: new Map(),
  reasons: new Map(),
});

function listingSent(task: FaultTask, unit: Unit): string {
  const animal = unit.item.animal;
  return task === "translation"
    ? cleanSourceText(animal.description ?? "")
    : prepareListing(animal).text;
}

async function processUnit(
  deps: EnrichmentDeps,
  task: FaultTask,
  unit: Unit,
): Promise<ProcessingOutcome<unknown>> {
  const { animal } = unit.item;
  switch (task) {
    case "description_cleaning":
      return cleanDescription(deps, { animal });
    case "dog_profiler":
      return generateProfile(deps, { animal });
    case "translation": {
      const facts = prepareFacts(animal);
      return translateText(deps, {
        text: animal.description ?? "",
        targetLanguage: unit.target,
        // As a run does: the listing goes out once for all of its target languages.
        languageGroup: DEFAULT_TARGETS,
        preserve: animal.name ? [animal.name] : [],
        structured: { sex: facts.sex, age_text: facts.age_text },
      });
    }
  }
}

function reasonKind(reason: string): string {
  return reason
    .replace(/"[^"]*"/g, "…")
    .replace(/\d+/g, "N")
    .slice(0, 90);
}

async function runUnits(mode: Mode, task: FaultTask, units: readonly Unit[], fault?: FaultKind) {
  currentFault = fault;
  planted.clear();
  const clean = newTally();
  const verification = { calls: 0, promptTokens: 0, completionTokens: 0 };
  const faulty = { planted: 0, reached: 0 };
  const byFile = new Map<string, { planted: number; reached: number }>();
  // Each run shares a listing's call among its target languages, as a pipeline run does.
  const deps = { ...DEPS[mode], sharedAnswers: createSharedAnswers() };
  await pool(units, async (unit) => {
    const outcome = await processUnit(deps, task, unit);
    for (const call of outcome.calls) {
      if (call.callKind !== "verification") continue;
      verification.calls++;
      verification.promptTokens += call.promptTokens;
      verification.completionTokens += call.completionTokens;
    }
    if (fault === undefined) {
      // A skip is no attempt: neither a thin listing nor the model's word that the listing states
      // no trait (one call, no re-ask, nothing stored) is a false alarm or an accepted output.
      if (outcome.status === "skipped") {
        clean.skipped.set(outcome.code, (clean.skipped.get(outcome.code) ?? 0) + 1);
        return;
      }
      clean.attempted++;
      if (outcome.status === "failed") {
        clean.rejected++;
        for (const r of outcome.reasons) {
          const k = reasonKind(r);
          clean.reasons.set(k, (clean.reasons.get(k) ?? 0) + 1);
        }
      }
      return;
    }
    const key = plantKey(listingSent(task, unit), task === "translation" ? unit.target : "");
    if (!planted.has(key) || outcome.status === "skipped") return;
    const file = byFile.get(unit.item.file) ?? { planted: 0, reached: 0 };
    faulty.planted++;
    file.planted++;
    if (outcome.status === "succeeded") {
      faulty.reached++;
      file.reached++;
      if (args["show-reached"]) {
        process.stderr.write(
          `\n=== reached: ${task} ${fault} (${unit.item.file} #${unit.item.animal.id} ${unit.target})\n--- listing\n${listingSent(task, unit)}\n--- output\n${JSON.stringify(outcome.value, null, 1)}\n`,
        );
      }
    }
    byFile.set(unit.item.file, file);
  });
  return { clean, faulty, byFile, verification };
}

// ------------------------------------------------------------------ the evaluation

const started = performance.now();
const items = FILES.flatMap((file) => loadSample(file));
const unitsOf = (task: FaultTask): Unit[] =>
  task === "translation"
    ? items.flatMap((item) => DEFAULT_TARGETS.map((target) => ({ item, target })))
    : items.map((item) => ({ item, target: "" }));

const TASKS: readonly FaultTask[] = ["description_cleaning", "dog_profiler", "translation"];
const MODES: readonly Mode[] = ["off", "all"];
const cleanRows: string[] = [];
const faultRows: string[] = [];
const reasonRows: string[] = [];
const tokenRows: string[] = [];
const verifierRows: string[] = [];
const criticalOff = { planted: 0, reached: 0 };
const pct = (n: number, d: number): string => (d === 0 ? "–" : `${((100 * n) / d).toFixed(1)}%`);
const dogs = items.length;

for (const task of TASKS) {
  const units = unitsOf(task);
  const clean = {
    off: await runUnits("off", task, units),
    all: await runUnits("all", task, units),
  };
  const c = clean[defaultMode(task)].clean;
  const rate = (m: Mode) => pct(clean[m].clean.rejected, clean[m].clean.attempted);
  const skips = (code: string) => c.skipped.get(code) ?? 0;
  const noTrait = task === "dog_profiler" ? String(skips("no_trait_stated")) : "–";
  cleanRows.push(
    `| ${task} | ${c.attempted} | ${skips("too_thin") + skips("no_source_text")} | ${noTrait} | ${c.rejected} | **${rate(defaultMode(task))}** | ${rate("off")} | ${rate("all")} |`,
  );
  for (const [reason, n] of [...c.reasons].sort((a, b) => b[1] - a[1]).slice(0, 6)) {
    reasonRows.push(`| ${task} | ${n} | ${reason.replace(/\|/g, "/")} |`);
  }
  const v = clean.all.verification;
  tokenRows.push(
    `| ${task} | ${v.calls} | ${(v.promptTokens / dogs).toFixed(1)} | ${(v.completionTokens / dogs).toFixed(1)} | ${((v.promptTokens + v.completionTokens) / dogs).toFixed(1)} | ${task === "dog_profiler" ? "yes" : "no (LLM_VERIFY=all)"} |`,
  );
  for (const fault of FAULT_KINDS[task]) {
    const runs = {} as Record<Mode, Awaited<ReturnType<typeof runUnits>>>;
    for (const mode of MODES) runs[mode] = await runUnits(mode, task, units, fault);
    const off = runs.off.faulty;
    if (CRITICAL_FACT_FAULTS.has(fault)) {
      criticalOff.planted += off.planted;
      criticalOff.reached += off.reached;
    }
    const chosen = runs[defaultMode(task)];
    const files = FILES.map((f) => {
      const t = chosen.byFile.get(f) ?? { planted: 0, reached: 0 };
      return `${t.reached}/${t.planted}`;
    }).join(" · ");
    const keptOut = (m: Mode) =>
      pct(runs[m].faulty.planted - runs[m].faulty.reached, runs[m].faulty.planted);
    faultRows.push(
      `| ${task} | ${fault} | ${chosen.faulty.planted} | ${chosen.faulty.reached} | **${keptOut(defaultMode(task))}** | ${keptOut("off")} | ${keptOut("all")} | ${files} |`,
    );
  }
}

// A broken judge: honest profiles whose verification cannot be read must not pass.
{
  const units = unitsOf("dog_profiler");
  for (const fault of VERIFIER_FAULTS) {
    currentVerifierFault = fault;
    const { clean } = await runUnits("all", "dog_profiler", units);
    currentVerifierFault = undefined;
    verifierRows.push(
      `| dog_profiler | ${fault} | ${clean.attempted} | ${clean.attempted - clean.rejected} |`,
    );
  }
}

// Every target language the CLI accepts, on a few listings (honest answers only).
const languageRows: string[] = [];
const few = items.filter(
  (_, i) => i % Math.max(1, Math.floor(items.length / ALL_LANGUAGES_SAMPLE)) === 0,
);
for (const target of SUPPORTED_LANGUAGES) {
  const { clean } = await runUnits(
    "off",
    "translation",
    few.map((item) => ({ item, target })),
  );
  languageRows.push(`| ${target} | ${clean.attempted} | ${clean.rejected} |`);
}

// The same faults through the real pipeline into a database, sync and through the Batch API.
const databaseRows = await evaluateThroughDatabase({
  baseUrl: fake.baseUrl,
  apiKey: API_KEY,
  listings: FILES.flatMap((f) =>
    items
      .filter((i) => i.file === f)
      .slice(0, THROUGH_DATABASE)
      .map((i) => ({ ...i.raw, external_id: `${f}:${i.raw.external_id}` })),
  ),
  targets: DEFAULT_TARGETS,
  setFault(fault) {
    currentFault = fault;
    planted.clear();
  },
  plantedCount: () => planted.size,
});
const databaseTable = databaseRows
  .map(
    (r) =>
      `| ${r.mode} | ${r.task} | ${r.fault} | ${r.planted} | ${r.reached} | ${pct(r.planted - r.reached, r.planted)} | ${r.goodValuesLost} | ${r.sourcesModified} |`,
  )
  .join("\n");

await fake.close();
const seconds = ((performance.now() - started) / 1000).toFixed(0);
const command = `npm run eval -- --per-file ${PER_FILE} --all-languages ${ALL_LANGUAGES_SAMPLE} --through-database ${THROUGH_DATABASE}`;
const counts = FILES.map((f) => `${items.filter((i) => i.file === f).length} from ${f}`).join(", ");
const report = `# Truthfulness evaluation (issue 14)

Measured by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${seconds} s wall time on
${cpus().length} cores (shared). Every run is made twice: with \`LLM_VERIFY=off\` (the
deterministic guards alone) and with \`LLM_VERIFY=all\` (every output also verified); the
**bold** column is the default, \`LLM_VERIFY=profiles\` (profiles verified, cleanings and
translations by the deterministic guards).
Listings: ${counts} (every German listing, then an even spread of the rest; \`--per-file 0\`
takes all). Translations go into the default targets ${DEFAULT_TARGETS.join(", ")}. Each
processing function runs with all its guards and one re-ask, through the real OpenRouter
client, against the fake OpenRouter server; the fault-planting responder plants the same
fault again on the re-ask. "Reached" = the output passed every check and would be stored.

## Planted faults (target: ≥ 99% kept out of the database, per kind and type)

A fault is counted only where the listing has room for it (e.g. a dropped warning needs a
warning sentence; an invented claim needs facts the listing does not state). "Planted",
"reached" and the per-file counts are those of the default.

| type | fault | planted | reached | kept out (default) | kept out, LLM_VERIFY=off | kept out, LLM_VERIFY=all | reached/planted per file (${FILES.join(" · ")}) |
|---|---|---|---|---|---|---|---|
${faultRows.join("\n")}

Critical-fact faults (invented or flipped compatibility and claims, dropped warnings) kept out
with \`LLM_VERIFY=off\`: **${pct(criticalOff.planted - criticalOff.reached, criticalOff.planted)}**
(${criticalOff.planted - criticalOff.reached} of ${criticalOff.planted}; target ≥ 90%).

## A broken judge never lets an output through

Honest profiles, verified by a judge whose answer cannot be read or leaves claims without a
verdict: "passed" must be 0 (the item fails and is tried again on the next run).

| type | judge's fault | profiles attempted | passed |
|---|---|---|---|
${verifierRows.join("\n")}

## Honest outputs rejected (false alarms; target ≤ 3% per type)

| type | attempted | skipped: thin or empty listing | skipped: no trait stated | rejected (default) | false-alarm rate (default) | LLM_VERIFY=off | LLM_VERIFY=all |
|---|---|---|---|---|---|---|---|
${cleanRows.join("\n")}

"No trait stated": listings of at least LLM_PROFILER_MIN_SOURCE_CHARS for which the model
answered \`{"profile": null, "no_profile": …}\` (prompt dog_profiler@4) — skipped with the code
\`no_trait_stated\` after that one call, with no re-ask and no verification; skips are not
attempts, so they count neither as false alarms nor as accepted outputs. The fake answers so
when it finds no trait it knows in the listing (nor that the dog is looking for a home); its
trait vocabulary is small, so a real model would profile some of these. In the fault runs a
listing without a profile has no fault planted in it (there is no profile to plant one in).

Most frequent reasons for the rejections above (default):

| type | count | reason (quotes elided) |
|---|---|---|
${reasonRows.join("\n") || "| – | 0 | – |"}

## What the verification pass costs (tokens per dog, honest outputs)

Tokens of the verification calls (\`llm_processing_logs.call_kind = 'verification'\`) in the
\`LLM_VERIFY=all\` runs, divided by the ${dogs} dogs of the sample (a thin listing gets no
profile, hence no profile verification).

| type | verification calls | prompt tokens/dog | completion tokens/dog | tokens/dog | on by default |
|---|---|---|---|---|---|
${tokenRows.join("\n")}

## Through the database: the real pipeline, sync and Batch API

The first ${THROUGH_DATABASE} listings of each file's sample imported into an embedded PGlite
database and run through the real pipeline (claims, cache, guards, the default verification,
writes), once synchronously and once through the fake's Batch API: honest runs first, then a
forced run per fault kind. "Reached" counts stored values the faulty run changed (the fake's
honest answers never vary, so a changed value is a planted fault); "good values lost" counts
values a failed item no longer has; "sources modified" compares every animal's \`properties\`
with its state before the run. Targets: 0 reached beyond the ≥ 99% above, 0 lost, 0 modified.

| transport | type | fault | planted | reached | kept out | good values lost | sources modified |
|---|---|---|---|---|---|---|---|
${databaseTable}

## Every target language the CLI accepts (honest translations, ${few.length} listings each)

| target | attempted | rejected |
|---|---|---|
${languageRows.join("\n")}

## What these numbers do and do not say

- The honest answers come from the fake model (src/testing/fake-model-answers.ts), not a
  real one: a false-alarm rate here says the guards accept outputs that keep the listing's
  meaning in the fake's wording. A real model's paraphrases reach words the lexicons may not
  know; the LLM verification pass is the layer meant for those.
- The judge that answers verification calls here is the fake's (src/testing/fake-claim-check.ts):
  it reads claims with the same fact lexicons and the fake's own trait words, so the
  \`LLM_VERIFY=all\` columns show that verdicts are acted on end to end (a verdict against a
  claim fails the output, the re-ask carries it, a broken judge never passes one), not how
  well a real model judges. What a real judge adds is measured only against a real provider.
- The \`LLM_VERIFY=all\` false alarms on cleanings and translations are that fake judge's:
  it reads the trait words the fake writes ("selbstbewusst", "verspielt") against its own
  small list of English and German cues, and a translated trait whose cue is worded otherwise
  in the listing looks unsupported to it. They are a limit of the fake, not of the default
  setting (which verifies profiles only).
- Dropped warnings in cleaned texts and flipped negations are planted by word lists of the
  responder's own, independent of the guards' lexicons. In translations, the fake carries
  facts over in the lexicons' own phrases, so a dropped or flipped fact there is one the
  lexicon reads by construction.
- Facts in languages without a lexicon (every target but en, de, es, fr) are not compared:
  those translations pass with the flag \`critical_facts_unchecked:<lang>\`.
`;
writeFileSync(args.out, report);
process.stdout.write(report);
