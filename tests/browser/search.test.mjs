// Search in a real browser, under a project subpath: "/" focuses the box, results appear
// while typing with the match highlighted, arrows + Enter open a result, Escape closes,
// "No results", a failed index load, and page text that looks like HTML staying text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, buildAndServe, buildSite, serveDir, launchBrowser } from "./lib.mjs";

let server, browser;

before(async () => {
  server = await buildAndServe(repoRoot, "https://example.github.io/quire/", "/quire/");
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const options = (page) => page.locator("#search-results [role=option]");
const hrefs = (page) => options(page).locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
const selected = (page) =>
  page.evaluate(() => [...document.querySelectorAll("#search-results [role=option]")]
    .map((o) => o.getAttribute("aria-selected")).indexOf("true"));

async function searchFor(page, query) {
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "search-input", "/ focuses the search box");
  await page.keyboard.type(query);
  await options(page).first().waitFor({ state: "visible", timeout: 15000 });
  return options(page);
}

test("finds co-packaged optics on the CPO page, highlighted, as an ARIA combobox", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  const input = page.locator("#search-input");
  assert.equal(await input.getAttribute("role"), "combobox");
  assert.equal(await input.getAttribute("aria-expanded"), "false");
  const found = await searchFor(page, "co-packaged optics");
  assert.ok((await hrefs(page)).includes("/quire/glossary/cpo/"), `CPO's page among ${await hrefs(page)}`);
  assert.ok(await found.locator("mark").count() > 0, "matches are highlighted");
  const marked = await found.locator("mark").allTextContents();
  assert.ok(marked.some((m) => /co-packaged|optics/i.test(m)), `marked ${marked}`);
  assert.equal(await input.getAttribute("aria-expanded"), "true");
  assert.equal(await page.locator("#search-results").getAttribute("role"), "listbox");
  assert.equal(await input.getAttribute("aria-activedescendant"), await found.first().getAttribute("id"));
  await page.close();
});

test("domestic substitution: arrows move the selection and Enter opens it; Escape closes", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "computing-power/");
  await searchFor(page, "domestic substitution");
  const list = await hrefs(page);
  assert.ok(list.includes("/quire/paths-and-opportunities/"), `${list}`);
  assert.equal(list[0], "/quire/glossary/domestic-substitution/", "the term's own page first");
  assert.ok(list.length >= 2, `${list}`);
  assert.equal(await selected(page), 0, "the first result is selected");
  await page.keyboard.press("ArrowDown");
  assert.equal(await selected(page), 1);
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  assert.equal(await selected(page), list.length - 1, "ArrowUp from the first wraps to the last");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.equal(await selected(page), 1);
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#search-results").isVisible(), false, "Escape closes the results");
  await searchFor(page, "domestic substitution");
  await page.keyboard.press("ArrowDown");
  const target = (await hrefs(page))[1];
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname === target, { timeout: 10000 });
  await page.close();
});

test("a glossary term is found by its other spellings; Tab away closes, a click opens", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await searchFor(page, "domestic alternative");
  assert.equal((await hrefs(page))[0], "/quire/glossary/domestic-substitution/");
  // Tabbing away closes the results, coming back shows them again, a click opens one.
  await page.keyboard.press("Tab");
  assert.equal(await page.locator("#search-results").isVisible(), false, "Tab away closes the results");
  await page.keyboard.press("Shift+Tab");
  await options(page).first().waitFor({ state: "visible", timeout: 15000 });
  await options(page).first().locator("a").click();
  await page.waitForURL(/\/quire\/glossary\/domestic-substitution\/$/, { timeout: 10000 });
  await page.close();
});

test("No results, and '/' typed into another field stays there", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.keyboard.press("/");
  await page.keyboard.type("zzqqxxnothing");
  await page.locator("#search-results .empty").waitFor({ state: "visible", timeout: 15000 });
  assert.equal(await page.locator("#search-results .empty").textContent(), "No results");
  await page.keyboard.press("Escape");
  await page.evaluate(() => {
    const t = document.createElement("textarea");
    t.id = "other";
    document.body.prepend(t);
    t.focus();
  });
  await page.keyboard.type("a/b");
  assert.equal(await page.locator("#other").inputValue(), "a/b");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "other");
  await page.close();
});

test("an index that fails to load says so, and the next keystroke tries again", async () => {
  const page = await browser.newPage();
  await page.route("**/pagefind/**", (route) => route.abort());
  await page.goto(server.url);
  await page.keyboard.press("/");
  await page.keyboard.type("optics");
  const empty = page.locator("#search-results .empty");
  await empty.waitFor({ state: "visible", timeout: 15000 });
  assert.match(await empty.textContent(), /unavailable/);
  await page.unroute("**/pagefind/**");
  await page.keyboard.type("s");
  await options(page).first().waitFor({ state: "visible", timeout: 15000 });
  await page.close();
});

test("page text that looks like markup is shown as text in the results, never run", async () => {
  const root = mkdtempSync(join(tmpdir(), "quire-search-markup-"));
  mkdirSync(join(root, "site"));
  writeFileSync(join(root, "quire.toml"), 'title = "Markup"\nbase_url = "/docs/"\n');
  writeFileSync(join(root, "site", "_index.md"), "---\ntitle: Home\n---\nWelcome.\n");
  writeFileSync(join(root, "site", "html.md"),
    "---\ntitle: Writing HTML\n---\nAn image tag: `<img src=x onerror=\"window.pwned=1\">` loads zebrafish pictures.\n");
  buildSite({ root, out: join(root, "out") });
  const site = await serveDir(join(root, "out"), "/docs/");
  try {
    const page = await browser.newPage();
    await page.goto(site.url);
    const found = await searchFor(page, "zebrafish");
    assert.match(await found.first().locator(".excerpt").textContent(), /<img src=x onerror/);
    assert.equal(await page.locator("#search-results img").count(), 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await found.first().locator("mark").textContent(), "zebrafish");
    await page.close();
  } finally {
    await site.close();
  }
});
