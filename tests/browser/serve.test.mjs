// Live reload in a real browser: edit a page's file and the open page shows the new
// text by itself, at the same scroll position.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { repoRoot, copySite, startServe, launchBrowser } from "./lib.mjs";

let root, server, browser;

before(async () => {
  root = copySite(repoRoot);
  server = await startServe(root);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test("an edit appears without a manual reload, keeping the scroll position", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
  await page.goto(server.url + "paths-and-opportunities/");
  await page.waitForFunction(() => document.querySelector("script[data-events]"), null, { timeout: 5000 });
  // Let the event stream connect before editing.
  await page.waitForTimeout(300);
  await page.evaluate(() => window.scrollTo(0, 600));
  const file = join(root, "site", "03-paths-and-opportunities.md");
  writeFileSync(file, readFileSync(file, "utf8") + "\nA sentence added while the page was open.\n");
  await page.getByText("A sentence added while the page was open.").waitFor({ timeout: 10000 });
  await page.waitForFunction(() => window.scrollY > 500, null, { timeout: 5000 });
  assert.ok(await page.evaluate(() => window.scrollY) > 500, "scroll position kept");
  await page.close();
});

test("a broken file shows an overlay over the last good page; fixing it clears it", async () => {
  const page = await browser.newPage();
  await page.goto(server.url + "computing-power/");
  await page.waitForTimeout(300);
  const file = join(root, "site", "02-computing-power.md");
  const good = readFileSync(file, "utf8");
  writeFileSync(file, good.replace("weight: 2", "weight: two"));
  const overlay = page.locator("#quire-error-overlay");
  await overlay.waitFor({ state: "visible", timeout: 10000 });
  // The line of the `weight:` key, wherever the front matter has it.
  const line = good.split("\n").findIndex((l) => l.startsWith("weight:")) + 1;
  assert.match(await overlay.innerText(), new RegExp(`site/02-computing-power\\.md:${line}:`));
  assert.ok(await page.locator("h1").isVisible(), "the last good page is still there");
  writeFileSync(file, good);
  await overlay.waitFor({ state: "detached", timeout: 10000 });
  await page.close();
});
