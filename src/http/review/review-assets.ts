// The review pages' static files, served from our own origin (never a CDN): htmx from its
// npm package, our stylesheet and our one small script for keyboard shortcuts.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** Works from src/http/review and dist/http/review alike. */
const ASSETS_DIR = fileURLToPath(new URL("../../../assets/review/", import.meta.url));

export interface ReviewAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

export function loadReviewAssets(): ReadonlyMap<string, ReviewAsset> {
  const require = createRequire(import.meta.url);
  const htmx = readFileSync(require.resolve("htmx.org/dist/htmx.min.js"));
  return new Map<string, ReviewAsset>([
    ["htmx.min.js", { body: htmx, contentType: "text/javascript; charset=utf-8" }],
    [
      "review.js",
      {
        body: readFileSync(`${ASSETS_DIR}review.js`),
        contentType: "text/javascript; charset=utf-8",
      },
    ],
    [
      "favicon.svg",
      { body: readFileSync(`${ASSETS_DIR}favicon.svg`), contentType: "image/svg+xml" },
    ],
    [
      "review.css",
      { body: readFileSync(`${ASSETS_DIR}review.css`), contentType: "text/css; charset=utf-8" },
    ],
  ]);
}
