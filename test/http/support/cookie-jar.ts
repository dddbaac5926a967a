// Keeps the cookies a server sets across app.inject() calls, like a browser would.
import type { LightMyRequestResponse } from "fastify";

export function createCookieJar() {
  const cookies = new Map<string, string>();
  return {
    take(response: LightMyRequestResponse): void {
      for (const cookie of response.cookies) {
        const expired =
          cookie.value === "" ||
          (cookie.expires !== undefined && cookie.expires.getTime() < Date.now());
        if (expired) cookies.delete(cookie.name);
        else cookies.set(cookie.name, cookie.value);
      }
    },
    header(): string {
      return [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    },
    has(name: string): boolean {
      return cookies.has(name);
    },
  };
}

/** The CSRF token of the first form in an HTML page. */
export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error("no CSRF token in the page");
  return match[1];
}
