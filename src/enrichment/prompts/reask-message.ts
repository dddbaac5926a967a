// The one follow-up a failed answer gets: the reasons it failed, and the rules again.
export const REASK_HEADER = "Your previous answer failed these checks:";

export function reaskMessage(reasons: readonly string[]): string {
  return [
    REASK_HEADER,
    ...reasons.map((reason) => `- ${reason}`),
    "Answer again, following every rule of the system prompt. Reply with the complete answer only.",
  ].join("\n");
}
