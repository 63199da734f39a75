// The documentation fixture (tests/fixtures/docs) as a reader sees it: highlighted code, an
// admonition and math in light and dark at 375 and 1440 px, with screenshots written to
// target/browser-screenshots/ for a person to look at, and the copy button.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, buildAndServe, launchBrowser } from "./lib.mjs";

const shots = join(repoRoot, "target", "browser-screenshots");
let server, browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await buildAndServe(join(repoRoot, "tests", "fixtures", "docs"), "https://example.com/docs/", "/docs/");
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs in the page: WCAG contrast of two computed colours `rgb(r, g, b)`. */
const CONTRAST = `(a, b) => {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}`;

for (const scheme of ["light", "dark"]) {
  for (const [width, height] of [[375, 800], [1440, 900]]) {
    test(`code, admonitions and math are legible in ${scheme} at ${width}px`, async () => {
      const context = await browser.newContext({ colorScheme: scheme, viewport: { width, height } });
      const page = await context.newPage();

      await page.goto(server.url + "code/");
      const colours = await page.evaluate(`(() => {
        const contrast = ${CONTRAST};
        const pre = document.querySelector(".code-block pre");
        const bg = getComputedStyle(pre).backgroundColor;
        const out = { bg, classes: {} };
        for (const c of ["hl-keyword", "hl-string", "hl-comment", "hl-function", "hl-number", "hl-type"]) {
          const el = document.querySelector("." + c);
          const color = getComputedStyle(el).color;
          out.classes[c] = { color, contrast: contrast(color, bg) };
        }
        out.overflow = document.documentElement.scrollWidth - window.innerWidth;
        return out;
      })()`);
      const distinct = new Set(Object.values(colours.classes).map((c) => c.color));
      assert.equal(distinct.size, 6, `token classes share colours: ${JSON.stringify(colours.classes)}`);
      for (const [c, { color, contrast }] of Object.entries(colours.classes)) {
        assert.notEqual(color, colours.bg, `${c} is invisible`);
        assert.ok(contrast >= 4.5, `${c} ${color} on ${colours.bg}: contrast ${contrast.toFixed(2)} < 4.5`);
      }
      assert.ok(colours.overflow <= 0, `the code page overflows by ${colours.overflow}px`);
      await page.locator(".code-block").first().screenshot({ path: join(shots, `code-${scheme}-${width}.png`) });
      await page.screenshot({ path: join(shots, `code-page-${scheme}-${width}.png`) });

      await page.goto(server.url + "admonitions/");
      const admonitions = await page.evaluate(`(() => {
        const contrast = ${CONTRAST};
        return [...document.querySelectorAll(".admonition")].map((box) => {
          const title = box.querySelector(".admonition-title");
          const bg = getComputedStyle(box).backgroundColor;
          return {
            label: title.innerText.trim(),
            role: box.getAttribute("role"),
            border: getComputedStyle(box).borderLeftColor,
            contrast: contrast(getComputedStyle(title).color, bg),
            text: contrast(getComputedStyle(box.querySelector("p:not(.admonition-title)")).color, bg),
          };
        });
      })()`);
      assert.deepEqual(admonitions.map((a) => a.label.replace(/^\W+/u, "").trim()), ["Note", "Tip", "Important", "Warning", "Caution"]);
      assert.equal(new Set(admonitions.map((a) => a.border)).size, 5, "each kind has its own colour");
      for (const a of admonitions) {
        assert.equal(a.role, "note");
        assert.ok(a.contrast >= 4.5, `${a.label} label contrast ${a.contrast.toFixed(2)}`);
        assert.ok(a.text >= 4.5, `${a.label} text contrast ${a.text.toFixed(2)}`);
      }
      await page.screenshot({ path: join(shots, `admonitions-${scheme}-${width}.png`), fullPage: true });

      await page.goto(server.url + "math/");
      const math = await page.evaluate(() => {
        const block = document.querySelector('math[display="block"]');
        const frac = block.querySelector("mfrac");
        const [num, den] = [...frac.children].map((c) => c.getBoundingClientRect());
        const inline = document.querySelector('math[display="inline"]').getBoundingClientRect();
        return {
          blockHeight: block.getBoundingClientRect().height,
          stacked: num.bottom <= den.top + 1,
          inlineWidth: inline.width,
          overflow: document.documentElement.scrollWidth - window.innerWidth,
        };
      });
      assert.ok(math.stacked, "the fraction's numerator sits above its denominator (MathML is laid out)");
      assert.ok(math.blockHeight > 30, `display math is ${math.blockHeight}px tall`);
      assert.ok(math.inlineWidth > 20, "inline math has a width");
      assert.ok(math.overflow <= 0, `the math page overflows by ${math.overflow}px`);
      await page.screenshot({ path: join(shots, `math-${scheme}-${width}.png`) });
      await context.close();
    });
  }
}

test("the copy button copies, says so, and moves nothing", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  await page.goto(server.url + "code/");
  const block = page.locator(".code-block").first();
  const button = block.locator("button.code-copy");
  assert.equal(await button.getAttribute("type"), "button");
  assert.match(await button.getAttribute("aria-label"), /copy/i);
  const before = await block.locator("pre").boundingBox();
  const blockBox = await block.boundingBox();
  assert.equal(Math.round(blockBox.height), Math.round(before.height), "the button adds no height");
  await button.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector(".code-copy-status")?.textContent === "Copied", null, { timeout: 5000 });
  assert.equal(await button.innerText(), "Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(copied.startsWith("// A comment\nfn main() {"), copied);
  assert.deepEqual(await block.locator("pre").boundingBox(), before, "nothing moved");
  await context.close();
});
