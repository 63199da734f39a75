// The default theme as a reader meets it: no sideways scrolling on a phone or a desktop,
// the dark/light toggle, the menu drawer on a phone, no layout shift, the home page's cards,
// the phone header, the 404 page, the footer and lang on Chinese aliases.
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

for (const [width, height] of [[375, 800], [1280, 900]]) {
  test(`no horizontal scroll at ${width}px`, async () => {
    const page = await browser.newPage({ viewport: { width, height } });
    for (const path of ["", "paths-and-opportunities/", "glossary/", "glossary/cpo/"]) {
      await page.goto(server.url + path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path || "home"} overflows by ${overflow}px at ${width}px`);
    }
    await page.close();
  });
}

test("the theme toggle flips and remembers the colour scheme", async () => {
  const context = await browser.newContext({ colorScheme: "light" });
  const page = await context.newPage();
  await page.goto(server.url);
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await bg();
  await page.click(".theme-toggle");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  assert.notEqual(await bg(), light, "the page got darker");
  await page.reload();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark", "remembered");
  await context.close();
});

test("the menu button opens and closes the sidebar on a phone", async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  await page.goto(server.url + "computing-power/");
  const sidebar = page.locator("#sidebar");
  assert.equal(await sidebar.isVisible(), false, "the drawer starts closed");
  await page.click(".nav-toggle");
  await sidebar.waitFor({ state: "visible", timeout: 5000 });
  assert.equal(await page.getAttribute(".nav-toggle", "aria-expanded"), "true");
  await page.keyboard.press("Escape");
  await sidebar.waitFor({ state: "hidden", timeout: 5000 });
  await page.close();
});

// The header's final size is there before any script runs: with the theme's scripts blocked
// it is as tall as with them, and loading the page shifts nothing.
for (const [width, height] of [[375, 800], [1280, 900]]) {
  test(`no layout shift at ${width}px: the header is sized before the scripts run`, async () => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__shift = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
      }).observe({ type: "layout-shift", buffered: true });
    });
    await page.goto(server.url + "computing-power/", { waitUntil: "load" });
    await page.waitForTimeout(500);
    const withScripts = await page.evaluate(() => document.querySelector(".site-header").offsetHeight);
    assert.equal(await page.evaluate(() => window.__shift), 0, "cumulative layout shift");
    await page.route("**/assets/*.js", (route) => route.abort());
    await page.reload({ waitUntil: "load" });
    const withoutScripts = await page.evaluate(() => document.querySelector(".site-header").offsetHeight);
    assert.equal(withoutScripts, withScripts, "header height before the deferred scripts");
    await context.close();
  });
}

test("the home page's cards are headings in its table of contents, and Next does not repeat the first", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url);
  const cards = page.locator(".children h3");
  assert.equal(await cards.count(), 4);
  const tocTargets = await page.$$eval(".toc a", (as) => as.map((a) => a.getAttribute("href")));
  for (const id of await cards.evaluateAll((hs) => hs.map((h) => h.id))) {
    assert.ok(tocTargets.includes("#" + id), `#${id} in the table of contents`);
  }
  assert.equal(await page.locator(".pager .next").count(), 0, "no Next card");
  await page.close();
});

test("on a phone the site title is whole and the search box does not mention a key", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(server.url + "computing-power/");
  const title = page.locator(".site-title");
  assert.equal(await title.innerText(), "The core of the future");
  assert.ok(await title.evaluate((e) => e.scrollWidth <= e.clientWidth), "the title is not cut");
  assert.equal(await page.getAttribute("#search-input", "placeholder"), "Search");
  await context.close();
  const desktop = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await desktop.goto(server.url);
  assert.equal(await desktop.getAttribute("#search-input", "placeholder"), "Search (press /)");
  await desktop.close();
});

test("the 404 page's own text lists the pages while the sidebar is behind Menu", async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  await page.goto(server.url + "no/such/page/");
  assert.equal(await page.locator("#sidebar").isVisible(), false, "the sidebar is in the drawer");
  const links = page.locator(".not-found-pages a");
  assert.equal(await links.count(), 4);
  assert.ok(await links.first().isVisible());
  assert.doesNotMatch(await page.locator("main").innerText(), /from the list/);
  await page.close();
});

test("the footer names the site, and a Chinese alias carries lang", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "glossary/cpo/");
  assert.equal((await page.locator(".site-footer").innerText()).trim(), "The core of the future · Built with Quire");
  assert.equal(await page.locator(".alias", { hasText: "共封装光学" }).getAttribute("lang"), "zh");
  await page.close();
});
