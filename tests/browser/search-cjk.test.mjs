// Search in Chinese: Pagefind splits CJK text into words only in its extended mode (the
// default `cjk` cargo feature), so a word inside a sentence with no spaces can be found.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSite, serveDir, launchBrowser } from "./lib.mjs";

let server, browser;

before(async () => {
  const root = mkdtempSync(join(tmpdir(), "quire-browser-cjk-"));
  mkdirSync(join(root, "site"));
  writeFileSync(join(root, "quire.toml"), 'title = "算力"\nlanguage = "zh"\nbase_url = "https://example.com/"\n');
  writeFileSync(join(root, "site", "_index.md"), "# 首页\n\n欢迎。\n");
  writeFileSync(join(root, "site", "power.md"), "---\ntitle: 基础\n---\n\n其背后的根本是算力。\n");
  buildSite({ root, out: join(root, "out") });
  server = await serveDir(join(root, "out"), "/");
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("a Chinese word inside a sentence is found", async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.keyboard.press("/");
  await page.keyboard.type("算力");
  const found = page.locator("#search-results [role=option]");
  await found.first().waitFor({ state: "visible", timeout: 15000 });
  const hrefs = await found.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(hrefs.includes("/power/"), `the page saying 其背后的根本是算力 among ${hrefs}`);
  const marked = await found.locator("mark").allTextContents();
  assert.ok(marked.join("").includes("算力"), `marked ${marked}`);
  await page.close();
});
