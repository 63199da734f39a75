// Search in a real browser, under a project subpath: "/" focuses the box, results appear
// while typing with the match highlighted, and arrows + Enter open a result.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { repoRoot, buildAndServe, launchBrowser } from "./lib.mjs";

let server, browser;

before(async () => {
  server = await buildAndServe(repoRoot, "https://example.github.io/quire/", "/quire/");
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function searchFor(page, query) {
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "search-input", "/ focuses the search box");
  await page.keyboard.type(query);
  const first = page.locator("#search-results [role=option]").first();
  await first.waitFor({ state: "visible", timeout: 15000 });
  return page.locator("#search-results [role=option]");
}

test("finds co-packaged optics, highlighted, and opens it with the keyboard", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  const options = await searchFor(page, "co-packaged optics");
  const hrefs = await options.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(hrefs.includes("/quire/glossary/cpo/"), `CPO's page among ${hrefs}`);
  assert.ok(await options.locator("mark").count() > 0, "matches are highlighted");
  const index = hrefs.indexOf("/quire/glossary/cpo/");
  for (let i = 0; i < index; i++) await page.keyboard.press("ArrowDown");
  assert.equal(await options.nth(index).getAttribute("aria-selected"), "true");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/quire\/glossary\/cpo\/$/, { timeout: 10000 });
  await page.close();
});

test("finds domestic substitution on the essay's third page", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "computing-power/");
  const options = await searchFor(page, "domestic substitution");
  const hrefs = await options.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(hrefs.includes("/quire/paths-and-opportunities/"), `${hrefs}`);
  assert.ok(hrefs.includes("/quire/glossary/domestic-substitution/"), `${hrefs}`);
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#search-results").isVisible(), false, "Escape closes the results");
  await page.close();
});
