// Description cleaning: grammar, spelling and layout fixed; every fact kept, none added.
import { cleanDescription } from "../clean-description.js";
import { PROMPT_VERSION } from "../prompts/description-cleaning-prompt.js";
import type { ProcessingTypeDefinition } from "./processing-type-definition.js";

export const descriptionCleaningType: ProcessingTypeDefinition<"description_cleaning"> = {
  name: "description_cleaning",
  featureVariable: "LLM_FEATURE_DESCRIPTION_CLEANING",
  promptVersion: PROMPT_VERSION,
  fansOutOverLanguages: false,
  sourceFields: "listing",
  resultColumn: "enriched_description",
  temperatureRange: { min: 0.2, max: 0.4 },
  // The cleaned text is about as long as the source (measured from the prompts).
  tokens: { promptOverheadTokens: 149, completion: { perSourceToken: 1.05 } },
  // The claim check sends the listing and the cleaned text (about as long); one short verdict
  // per sentence comes back.
  verificationTokens: {
    promptOverheadTokens: 150,
    sourceCopies: 2.5,
    completion: { perSourceToken: 0.25 },
  },
  process: (deps, { animal, signal, variant }) =>
    cleanDescription(deps, { animal, signal, variant }),
};
