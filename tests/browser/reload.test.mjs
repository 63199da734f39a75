// Live update in a real browser: an edit patches the open page in place (no reload: scroll,
// focus, an open glossary preview and page state survive), a layout change reloads, and
// the error overlay is isolated from the theme and readable in both palettes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tmpdir } from "node:os";
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

/** Opens `path` and waits until its event stream is connected. */
async function open(path) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
  await page.goto(server.url + path);
  await page.waitForFunction(() => document.querySelector("script[data-events]"), null, { timeout: 5000 });
  await page.waitForTimeout(300);
  return page;
}

test("an edit is patched in: no reload, scroll, focus and an open preview kept", async () => {
  const page = await open("paths-and-opportunities/");
  await page.evaluate(() => { window.notReloaded = true; });
  const term = page.locator("main a.term").first();
  await term.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 40));
  await term.focus();
  const tipId = await term.getAttribute("aria-describedby");
  await page.locator("#" + tipId).waitFor({ state: "visible", timeout: 5000 });
  const scrollY = await page.evaluate(() => window.scrollY);
  assert.ok(scrollY > 100, `scrolled (${scrollY})`);
  const file = join(root, "site", "03-paths-and-opportunities.md");
  writeFileSync(file, readFileSync(file, "utf8") + "\nA sentence patched into the open page.\n");
  await page.getByText("A sentence patched into the open page.").waitFor({ timeout: 10000 });
  assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was not reloaded");
  assert.equal(await page.evaluate(() => window.scrollY), scrollY, "scroll position kept");
  assert.equal(
    await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("aria-describedby")),
    tipId,
    "focus kept",
  );
  assert.ok(await page.locator("#" + tipId).isVisible(), "the open preview stays open");
  await page.close();
});

test("a change of title reaches the head and the sidebar in place", async () => {
  const page = await open("computing-power/");
  await page.evaluate(() => { window.notReloaded = true; });
  const file = join(root, "site", "02-computing-power.md");
  const good = readFileSync(file, "utf8");
  const title = /title: (.*)/.exec(good)[1];
  // The sidebar shows `nav_title` where a page has one, so both change.
  const retitled = good
    .replace(`title: ${title}`, "title: Retitled While Open")
    .replace(/^nav_title: .*$/m, "nav_title: Retitled While Open");
  writeFileSync(file, retitled);
  await page.waitForFunction(() => document.title.startsWith("Retitled While Open"), null, { timeout: 10000 });
  assert.ok(await page.locator("#sidebar a", { hasText: "Retitled While Open" }).count() >= 1);
  assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was not reloaded");
  writeFileSync(file, good);
  await page.waitForFunction((t) => !document.title.startsWith("Retitled"), title, { timeout: 10000 });
  await page.close();
});

test("a layout change reloads the page", async () => {
  const page = await open("computing-power/");
  await page.evaluate(() => { window.notReloaded = true; });
  const file = join(root, "themes", "default", "templates", "base.html");
  const good = readFileSync(file, "utf8");
  writeFileSync(file, good.replace('<footer class="site-footer">', '<footer class="site-footer changed-layout">'));
  await page.locator("footer.changed-layout").waitFor({ timeout: 10000 });
  assert.equal(await page.evaluate(() => window.notReloaded), undefined, "the page was reloaded");
  writeFileSync(file, good);
  await page.locator("footer.site-footer:not(.changed-layout)").waitFor({ timeout: 10000 });
  await page.close();
});

/** WCAG contrast ratio of two `rgb(r, g, b)` strings. */
function contrast(a, b) {
  const lum = (s) => {
    const [r, g, bl] = s.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

for (const palette of ["light", "dark"]) {
  test(`the error overlay is isolated from the theme and readable (${palette})`, async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, colorScheme: palette });
    await page.addInitScript((p) => { try { localStorage.setItem("quire-theme", p); } catch (e) {} }, palette);
    await page.goto(server.url + "computing-power/");
    await page.waitForTimeout(300);
    const file = join(root, "site", "02-computing-power.md");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, good.replace("weight: 2", "weight: two"));
    const box = page.locator("#quire-error-overlay");
    await box.waitFor({ state: "visible", timeout: 10000 });
    const line = good.split("\n").findIndex((l) => l.startsWith("weight:")) + 1;
    assert.match(await box.innerText(), new RegExp(`site/02-computing-power\\.md:${line}:`));
    const colours = await page.evaluate(() => {
      const host = document.getElementById("quire-error-host");
      const inner = host.shadowRoot.getElementById("quire-error-overlay");
      const pre = inner.querySelector("pre");
      const cs = (el) => getComputedStyle(el);
      return {
        shadow: !!host.shadowRoot,
        box: cs(inner).backgroundColor,
        pre: cs(pre).color,
        preBackground: cs(pre).backgroundColor,
        theme: document.documentElement.dataset.theme,
      };
    });
    assert.equal(colours.theme, palette);
    assert.ok(colours.shadow, "the overlay lives in a shadow root");
    assert.equal(colours.preBackground, "rgba(0, 0, 0, 0)", "the theme's pre background does not reach it");
    const ratio = contrast(colours.pre, colours.box);
    assert.ok(ratio >= 7, `contrast ${ratio.toFixed(1)} in the ${palette} palette`);
    const shot = join(tmpdir(), `quire-overlay-${palette}.png`);
    await page.screenshot({ path: shot });
    console.log(`overlay screenshot (${palette}): ${shot}, contrast ${ratio.toFixed(1)}`);
    writeFileSync(file, good);
    await box.waitFor({ state: "detached", timeout: 10000 });
    await page.close();
  });
}
