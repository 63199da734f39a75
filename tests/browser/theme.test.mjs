// The default theme as a reader meets it: no sideways scrolling on a phone or a desktop,
// the dark/light toggle, and the menu drawer on a phone.
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
