// Dog profiler: a structured profile in which every claim quotes the listing.
import { generateProfile } from "../generate-profile.js";
import { PROMPT_VERSION } from "../prompts/dog-profiler-prompt.js";
import type { ProcessingTypeDefinition } from "./processing-type-definition.js";

export const dogProfilerType: ProcessingTypeDefinition<"dog_profiler"> = {
  name: "dog_profiler",
  featureVariable: "LLM_FEATURE_DOG_PROFILER",
  promptVersion: PROMPT_VERSION,
  fansOutOverLanguages: false,
  sourceFields: "listing",
  resultColumn: "dog_profiler_data",
  temperatureRange: { min: 0.7, max: 0.9 },
  // The JSON schema sent as response_format counts as prompt tokens too; a profile's size
  // hardly depends on the listing's.
  tokens: { promptOverheadTokens: 655, completion: { tokensPerCall: 450 } },
  // The claim check sends the listing and the profile's claims (about 250 tokens with their
  // quotes) besides ~150 of instructions; a few tokens of verdict per claim come back
  // (claim_check@2; measured per dog by npm run eval and the cost bench).
  verificationTokens: { promptOverheadTokens: 285, completion: { tokensPerCall: 35 } },
  process: (deps, { animal, signal, variant }) =>
    generateProfile(deps, { animal, signal, variant }),
};
