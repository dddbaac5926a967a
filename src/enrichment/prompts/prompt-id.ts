// Every system prompt starts with one line naming its versioned id, so logs, caches and the
// fake model (src/testing/fake-model-answers.ts) can tell which task a request is.
export const PROMPT_ID_PREFIX = "rescue-llm prompt: ";

export function promptIdLine(promptVersion: string): string {
  return `${PROMPT_ID_PREFIX}${promptVersion}`;
}

/** The prompt version named on the first line of a system prompt, e.g. "dog_profiler@1". */
export function readPromptId(systemPrompt: string): string | undefined {
  const first = systemPrompt.split("\n", 1)[0] ?? "";
  return first.startsWith(PROMPT_ID_PREFIX)
    ? first.slice(PROMPT_ID_PREFIX.length).trim()
    : undefined;
}
