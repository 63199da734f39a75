// Glossary previews in a real browser: keyboard focus shows the summary, Escape hides it,
// hover shows it, and the link still leads to the term's page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { repoRoot, buildAndServe, launchBrowser } from "./lib.mjs";

let server, browser;

before(async () => {
  server = await buildAndServe(join(repoRoot, "tests", "fixtures", "basic"), "/docs/", "/docs/");
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("focus shows the preview, Escape hides it, hover shows it again, click follows", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "intro/");
  const link = page.locator("main a.term").first();
  const tipId = await link.getAttribute("aria-describedby");
  const tip = page.locator(`#${tipId}`);
  assert.equal(await tip.getAttribute("role"), "tooltip");
  assert.equal(await tip.isVisible(), false, "hidden until asked for");

  await link.focus();
  await tip.waitFor({ state: "visible", timeout: 5000 });
  assert.match(await tip.innerText(), /The capacity of hardware to process data\./);

  await page.keyboard.press("Escape");
  await tip.waitFor({ state: "hidden", timeout: 5000 });
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("term")), true, "focus stays on the link");

  await page.mouse.move(0, 0);
  await link.hover();
  await tip.waitFor({ state: "visible", timeout: 5000 });
  await page.mouse.move(1, 1);
  await tip.waitFor({ state: "hidden", timeout: 5000 });

  await link.click();
  await page.waitForURL(/\/docs\/glossary\/compute\/$/, { timeout: 5000 });
  assert.equal(await page.locator("h1 dfn").innerText(), "Compute");
  await page.close();
});

test("without JavaScript the term is still a plain link to its page", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.url + "intro/");
  const href = await page.locator("main a.term").first().getAttribute("href");
  assert.equal(href, "/docs/glossary/compute/");
  await context.close();
});

test("on a touch screen the first tap previews and the second follows the link", async () => {
  const context = await browser.newContext({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url + "intro/");
  const link = page.locator("main a.term").first();
  const tip = page.locator(`#${await link.getAttribute("aria-describedby")}`);
  await link.tap();
  await tip.waitFor({ state: "visible", timeout: 5000 });
  assert.match(page.url(), /\/docs\/intro\/$/, "the first tap stays on the page");
  await link.tap();
  await page.waitForURL(/\/docs\/glossary\/compute\/$/, { timeout: 5000 });
  await context.close();
});
