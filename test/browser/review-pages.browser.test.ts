// The review pages in a real Chromium (Debian's, driven by playwright-core) against a real
// server on loopback, on PGlite and PostgreSQL: sign in, filter the queue, open a dog, see the
// diff and a highlighted quote, approve with the keyboard, edit and see the guard findings,
// and find the published columns in the database. A listing full of markup runs no script.
// UPDATE_SCREENSHOTS=1 writes docs/review-queue.png and docs/review-dog.png.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importListings } from "../../src/listings/import-listings.js";
import { SECRETS, startHarness, type Harness } from "../http/support/api-harness.js";
import { DATABASE_KINDS } from "../support/test-databases.js";
import { launchChromium, type Browser } from "./chromium.js";
import { runRequest } from "../support/pipeline-fixture.js";

const SAMPLES = fileURLToPath(new URL("../../examples/sample-listings.jsonl", import.meta.url));
const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));

/** Each payload would set window.__xss (or open a dialog) if it ever ran. */
const HOSTILE = {
  external_id: "xss-1",
  organization: "demo-rescue",
  name: `Mallory<img src=x onerror="window.__xss='name'">`,
  description:
    `Mallory is a 4 year old terrier who loves tug toys and long walks. ` +
    `<script>window.__xss='script'; alert(1)</script>` +
    `<img src=x onerror="window.__xss='img'"> ` +
    `<a href="javascript:window.__xss='link'">Click for treats</a> ` +
    `"><svg onload="window.__xss='svg'"> She is calm at home and good with children.`,
  breed: `<b onmouseover="window.__xss='breed'">Terrier</b>`,
  age_text: "4 years",
  sex: "female",
  size: "small",
  language: "en",
  adoption_url: "javascript:window.__xss='url'",
};

async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate(() => (globalThis as unknown as { __xss: unknown }).__xss)).toBe(0);
  expect(await page.locator("script:not([src])").count()).toBe(0);
  expect(await page.locator("img").count()).toBe(0);
  expect(await page.locator("svg").count()).toBe(0);
  expect(await page.locator('[href^="javascript:"]').count()).toBe(0);
  expect(await page.locator("[onerror], [onload], [onmouseover]").count()).toBe(0);
}

describe.each(DATABASE_KINDS)("review pages in Chromium on %s", (kind) => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let base: string;
  const dialogs: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    h = await startHarness(kind, {
      env: {
        REVIEW_MODE: "required",
        API_KEYS: `alice:${SECRETS.apiKey}`,
        LLM_TRANSLATION_LANGUAGES: "de",
      },
    });
    await importListings(
      { db: h.services.db },
      { filePath: SAMPLES, organization: "demo-rescue", createOrganizations: true },
    );
    const hostile = join(mkdtempSync(join(tmpdir(), "rescue-llm-xss-")), "hostile.jsonl");
    writeFileSync(hostile, `${JSON.stringify(HOSTILE)}\n`);
    await importListings({ db: h.services.db }, { filePath: hostile, organization: "demo-rescue" });
    for (const type of ["description_cleaning", "dog_profiler", "translation"] as const) {
      await runRequest(h.services, { processingType: type });
    }
    await h.app.listen({ host: "127.0.0.1", port: 0 });
    const address = h.app.server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.addInitScript(() => {
      (globalThis as unknown as { __xss: unknown }).__xss = 0;
    });
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function animalId(externalId: string): Promise<number> {
    const [row] = await h.services.db.query<{ id: number }>(
      "SELECT id FROM animals WHERE external_id = $1",
      [externalId],
    );
    return Number(row!.id);
  }

  it("signs in with an API key and shows the queue with counts", async () => {
    await page.goto(`${base}/review`);
    await expect.poll(() => page.url()).toContain("/review/sign-in");
    await page.getByLabel("API key").fill(SECRETS.apiKey);
    await page.getByLabel("API key").press("Enter");
    await page.waitForURL(`${base}/review`);
    await expect.poll(() => page.locator("header.top").innerText()).toContain("alice");
    const toReview = page.locator(".tab.current .count");
    expect(Number(await toReview.innerText())).toBeGreaterThan(10);
  });

  it("filters the queue by result type and by name", async () => {
    await page.getByLabel("Result").selectOption("dog_profiler");
    await expect
      .poll(
        async () =>
          new Set(await page.locator("table.queue tbody td:nth-child(3)").allInnerTexts()),
      )
      .toEqual(new Set(["Profile"]));
    await page.getByLabel("Name or external id").fill("rock");
    await page.getByLabel("Name or external id").press("Enter");
    await expect
      .poll(() => page.locator("table.queue tbody tr").allInnerTexts())
      .toEqual([expect.stringContaining("Rocky")]);
  });

  it("opens a dog from the keyboard: diff, highlighted evidence, approve with `a`", async () => {
    await page.locator("body").press("o");
    await page.waitForURL(/\/review\/animals\/\d+/);
    expect(await page.locator("h1").innerText()).toBe("Rocky");
    // ALL CAPS became sentence case: the diff shows removed and added words.
    expect(await page.locator("#item-description_cleaning\\: .diff del").count()).toBeGreaterThan(
      0,
    );
    expect(await page.locator("#item-description_cleaning\\: .diff ins").count()).toBeGreaterThan(
      0,
    );
    // Every numbered evidence link points at a highlighted quote in the listing.
    const refs = page.locator("#item-dog_profiler\\: a.quote-ref");
    expect(await refs.count()).toBeGreaterThan(0);
    const first = (await refs.first().getAttribute("href"))!;
    const mark = page.locator(`mark.quote${first}, mark.quote:has(${first})`);
    expect(await mark.count()).toBe(1);
    expect((await mark.innerText()).length).toBeGreaterThan(3);
    if (process.env.UPDATE_SCREENSHOTS === "1" && kind === "pglite") {
      await page.evaluate(() =>
        (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
      );
      await page.screenshot({ path: `${DOCS}review-dog.png`, caret: "initial" });
    }

    // The profile is the selected result (opened from its row): approve it from the keyboard.
    await page.locator("body").press("a");
    await expect.poll(() => page.locator(".banner.ok").innerText()).toContain("Approved");
    const id = await animalId("demo-002");
    const [row] = await h.services.db.query<{ dog_profiler_data: { tagline?: string } | null }>(
      "SELECT dog_profiler_data FROM animals WHERE id = $1",
      [id],
    );
    expect(row?.dog_profiler_data?.tagline).toBeTruthy();
    expect(await page.locator("#item-dog_profiler\\: .badge.state-approved").count()).toBe(1);
  });

  it("edits the cleaned description, shows the guard findings, then approves the edit", async () => {
    await page.locator("body").press("k");
    await expect
      .poll(() => page.locator("[data-item][data-selected=true]").getAttribute("data-item"))
      .toBe("description_cleaning:");
    await page.locator("body").press("e");
    const editor = page.locator("#edit-text-description_cleaning-");
    await expect
      .poll(() =>
        editor.evaluate(
          (el: { ownerDocument: { activeElement: unknown } }) =>
            el.ownerDocument.activeElement === el,
        ),
      )
      .toBe(true);
    const edited = "A happy, energetic boy who needs a garden. Call 555-0100 today!";
    await editor.fill(edited);
    await editor.press("Tab"); // the note field
    await page.keyboard.press("Tab"); // Save edit
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".banner.ok").innerText()).toContain("guard findings");
    const findings = page.locator("#item-description_cleaning\\: .findings li");
    expect(await findings.count()).toBeGreaterThan(0);
    expect((await findings.allInnerTexts()).join(" ")).toMatch(/Rocky|number|phone|5/i);
    await page.locator("body").press("a");
    await expect.poll(() => page.locator(".banner.ok").innerText()).toContain("Approved");
    const [row] = await h.services.db.query<{ enriched_description: string | null }>(
      "SELECT enriched_description FROM animals WHERE id = $1",
      [await animalId("demo-002")],
    );
    expect(row?.enriched_description).toBe(edited);
  });

  it("renders a listing full of markup as inert text", async () => {
    const id = await animalId("xss-1");
    await page.goto(`${base}/review/animals/${id}`);
    expect(await page.locator("h1").innerText()).toContain("<img src=x onerror=");
    expect(await page.locator(".raw pre").textContent()).toContain("<script>window.__xss='script'");
    await expectInert(page);
    await page.goto(`${base}/review?q=mallory`);
    expect(await page.locator("table.queue tbody tr").count()).toBeGreaterThan(0);
    await expectInert(page);
    await page.locator("table.queue tbody a.dog-link").first().hover();
    if (process.env.UPDATE_SCREENSHOTS === "1" && kind === "pglite") {
      await page.goto(`${base}/review`);
      // caret "initial": hiding the caret would inject a style the CSP (rightly) refuses.
      await page.screenshot({ path: `${DOCS}review-queue.png`, caret: "initial" });
    }
    expect(dialogs, dialogs.join("\n")).toEqual([]);
    expect(cspViolations, cspViolations.join("\n")).toEqual([]);
  });
});
