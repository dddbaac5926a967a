// Every processing type, by name. Adding a type is one new definition here (plus the SQL of
// a new result column or source, if it needs one): the type checker lists every other place.
import type { Config, ProcessingType } from "../../config.js";
import { FeatureDisabledError } from "../../errors.js";
import { descriptionCleaningType } from "./description-cleaning-type.js";
import { dogProfilerType } from "./dog-profiler-type.js";
import type { ProcessingTypeDefinition } from "./processing-type-definition.js";
import { translationType } from "./translation-type.js";

export const PROCESSING_TYPE_DEFINITIONS: {
  readonly [T in ProcessingType]: ProcessingTypeDefinition<T>;
} = {
  description_cleaning: descriptionCleaningType,
  dog_profiler: dogProfilerType,
  translation: translationType,
};

export function processingTypeDefinition<T extends ProcessingType>(
  type: T,
): ProcessingTypeDefinition<T> {
  return PROCESSING_TYPE_DEFINITIONS[type];
}

/** Refuses a type switched off by its LLM_FEATURE_* variable (CLI exit 2, HTTP 403). */
export function assertFeatureEnabled(config: Config, definition: ProcessingTypeDefinition): void {
  if (!config.features[definition.name]) {
    throw new FeatureDisabledError(definition.name, definition.featureVariable);
  }
}
