// Reads a server-sent event stream over a real socket until the server ends it.
export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

export async function readEventStream(
  url: string,
  timeoutMs = 20_000,
): Promise<{ status: number; contentType: string | null; events: SseEvent[] }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const contentType = response.headers.get("content-type");
  const text = await response.text(); // resolves when the server closes the stream
  const events = text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split("\n")) {
        const at = line.indexOf(": ");
        if (at > 0) fields.set(line.slice(0, at), line.slice(at + 2));
      }
      return {
        id: fields.get("id"),
        event: fields.get("event") ?? "message",
        data: fields.get("data") ?? "",
      };
    });
  return { status: response.status, contentType, events };
}
