// A prompt variant of a processing type: a named prompt version with its own instructions,
// temperature and model. An experiment arm is one; so is a promoted arm that became a type's
// default. Items without one run the type's built-in prompt at the configured settings.

export interface PromptVariant {
  /** Stored with each result, keys the cache: another variant redoes the item. */
  readonly promptVersion: string;
  /** Replaces the type's fixed instructions; null keeps the built-in ones (a control arm). */
  readonly instructions: string | null;
  /** Within the type's allowed range; null = the configured LLM_TEMPERATURE_*. */
  readonly temperature: number | null;
  /** null = LLM_DEFAULT_MODEL. */
  readonly model: string | null;
  /** Set for an experiment arm (not for a promoted default). */
  readonly experiment: { readonly id: number; readonly arm: string } | null;
}

/** The system prompt's instruction lines: the variant's text, else the built-in lines. */
export function instructionLines(
  variant: PromptVariant | undefined,
  builtIn: readonly string[],
): readonly string[] {
  const text = variant?.instructions?.trim();
  return text ? [text] : builtIn;
}
