// A model's own voice leaking into the result: a preface, a refusal, a note about the task.
const META_PATTERNS: readonly RegExp[] = [
  /^\s*(?:here(?:'s| is)|sure|certainly|of course|okay|ok)\b[^\n]{0,100}:\s*$/im,
  /\b(?:i'm sorry|i am sorry|i cannot|i can't|i am unable to|i'm unable to)\b[^.\n]{0,40}\b(?:help|assist|comply|translate|clean|do that)\b/i,
  /\b(?:translated|cleaned|edited) (?:version|text|listing)\s*:/i,
];

export function metaCommentaryReasons(output: string, source: string): string[] {
  return META_PATTERNS.flatMap((pattern) => {
    const match = pattern.exec(output);
    return match && !pattern.test(source)
      ? [`contains commentary instead of only the result: "${match[0].trim()}"`]
      : [];
  });
}
