// Provider reachability for GET /api/health/llm: one GET {LLM_BASE_URL}/models with a short
// deadline. Reports what happened in words of our own, never the key or the raw error text.
export interface ProviderProbe {
  readonly reachable: boolean;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly error: string | null;
}

export interface ProbeOptions {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

export async function probeProvider(options: ProbeOptions): Promise<ProviderProbe> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await doFetch(`${options.baseUrl.replace(/\/+$/, "")}/models`, {
      method: "GET",
      // OpenRouter lists models without a key; OpenAI-compatible servers may want one.
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // Drain the body so the connection is released; its content is not needed.
    await response.body?.cancel();
    const reachable = response.status < 500;
    return {
      reachable,
      status_code: response.status,
      latency_ms: elapsed(),
      error: reachable
        ? describeStatus(response.status)
        : `provider answered HTTP ${response.status}`,
    };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return {
      reachable: false,
      status_code: null,
      latency_ms: elapsed(),
      error: timedOut ? `no answer within ${options.timeoutMs} ms` : "connection failed",
    };
  }
}

function describeStatus(status: number): string | null {
  if (status === 401 || status === 403) return "provider rejected the API key";
  return null;
}

/** LLM_BASE_URL as safe to show: no user, password, query or fragment. */
export function displayBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    return url.toString().replace(/\/+$/, "");
  } catch {
    return "(invalid URL)";
  }
}
