// The frame of every review page: head (our own assets, no inline script or style), header
// with who is signed in, and the shortcut help. Every listing value is escaped (`safe`).
import type { Children } from "@kitajs/html";

export interface LayoutProps {
  readonly title: string;
  /** The signed-in staff label; undefined on the sign-in page. */
  readonly staff?: string | undefined;
  /** Development without API_KEYS: pages are open; say so on every page. */
  readonly openDevelopment: boolean;
  readonly csrfToken?: string | undefined;
  readonly page: "queue" | "dog" | "sign-in" | "error" | "experiments";
  readonly children?: Children;
}

// htmx runs without eval, never runs scripts in swapped content, injects no inline styles
// (the CSP forbids them) and keeps no copies of pages in localStorage.
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  selfRequestsOnly: true,
});

export function Layout(props: LayoutProps): JSX.Element {
  return (
    <>
      {"<!doctype html>"}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <meta name="referrer" content="same-origin" />
          <title safe>{`${props.title} · rescue-llm review`}</title>
          <link rel="icon" href="/review/assets/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/review/assets/review.css" />
          <script src="/review/assets/htmx.min.js" defer></script>
          <script src="/review/assets/review.js" defer></script>
        </head>
        <body data-page={props.page}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href="/review">
              rescue-llm <span>review</span>
            </a>
            {props.staff !== undefined && (
              <a class="nav-link" href="/review/experiments">
                Experiments
              </a>
            )}
            {props.staff !== undefined && (
              <nav class="who" aria-label="Account">
                <span>
                  Signed in as <strong safe>{props.staff}</strong>
                </span>
                {!props.openDevelopment && props.csrfToken !== undefined && (
                  <form method="post" action="/review/sign-out">
                    <input type="hidden" name="_csrf" value={props.csrfToken} />
                    <button type="submit" class="link-button">
                      Sign out
                    </button>
                  </form>
                )}
              </nav>
            )}
          </header>
          {props.openDevelopment && (
            <p class="banner warn" role="note">
              Development mode without API_KEYS: these pages are open to anyone who can reach this
              server, and actions are recorded as “development”. Set API_KEYS before exposing it.
            </p>
          )}
          <main id="main" tabindex="-1">
            {props.children}
          </main>
          {props.page !== "sign-in" && props.page !== "error" && props.page !== "experiments" && (
            <footer class="help">
              <details>
                <summary>Keyboard shortcuts</summary>
                <dl class="shortcuts">
                  <dt>
                    <kbd>j</kbd> / <kbd>k</kbd>
                  </dt>
                  <dd>next / previous {props.page === "queue" ? "row" : "result"}</dd>
                  <dt>
                    <kbd>a</kbd>
                  </dt>
                  <dd>approve the selected result</dd>
                  <dt>
                    <kbd>r</kbd>
                  </dt>
                  <dd>reject it (type the reason, then Enter)</dd>
                  <dt>
                    <kbd>e</kbd>
                  </dt>
                  <dd>edit it</dd>
                  {props.page === "queue" ? (
                    <>
                      <dt>
                        <kbd>Enter</kbd> / <kbd>o</kbd>
                      </dt>
                      <dd>open the dog</dd>
                      <dt>
                        <kbd>/</kbd>
                      </dt>
                      <dd>search</dd>
                    </>
                  ) : (
                    <>
                      <dt>
                        <kbd>n</kbd> / <kbd>p</kbd>
                      </dt>
                      <dd>next / previous dog in the queue</dd>
                      <dt>
                        <kbd>u</kbd>
                      </dt>
                      <dd>back to the queue</dd>
                    </>
                  )}
                  <dt>
                    <kbd>Esc</kbd>
                  </dt>
                  <dd>leave a text field</dd>
                </dl>
                <p>Every action is also a plain button: Tab to it and press Enter.</p>
              </details>
            </footer>
          )}
        </body>
      </html>
    </>
  );
}
