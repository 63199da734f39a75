// Save → painted, in headless Chromium: the time from writing a page's file to the new
// text being painted in the open page (MutationObserver, then the frame after it), over
// EDITS edits written in place and EDITS written to a temp file renamed over the page,
// for the essay site and a generated 10,000-page site. Prints median and p90; asserts
// nothing. Run: node tests/browser/reload-bench.mjs (QUIRE_BENCH_PAGES=1000 for a smaller
// generated site; the generator is benches/common, run through `cargo bench --bench reload`).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, copySite, startServe, launchBrowser } from "./lib.mjs";

const EDITS = Number(process.env.QUIRE_BENCH_EDITS || 12);
const PAGES = Number(process.env.QUIRE_BENCH_PAGES || 10000);

const now = () => performance.timeOrigin + performance.now();
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.round((s.length - 1) * p)]; };

async function measure(label, root, file, path) {
  const server = await startServe(root);
  const browser = await launchBrowser();
  try {
    // Let the first search index finish (it is built beside the served pages), so the
    // edits measure a settled server, as benches/reload.rs does.
    const deadline = Date.now() + 180000;
    while ((await fetch(server.url + "pagefind/pagefind-entry.json")).status !== 200) {
      if (Date.now() > deadline) throw new Error(`${label}: the search index never appeared`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url + path);
    await page.waitForFunction(() => document.querySelector("script[data-events]"), null, { timeout: 20000 });
    await page.waitForTimeout(1000);
    await page.evaluate(() => { window.notReloaded = true; });
    const original = readFileSync(file, "utf8");
    const results = {};
    for (const how of ["in place", "write then rename"]) {
      const times = [];
      for (let i = 0; i < EDITS; i++) {
        const marker = `Browser benchmark edit ${how} ${i}.`;
        await page.evaluate((m) => {
          window.painted = new Promise((done) => {
            const seen = () => {
              if (!document.body.textContent.includes(m)) return false;
              // The frame that shows the change, then the moment after it is painted.
              requestAnimationFrame(() => {
                const c = new MessageChannel();
                c.port1.onmessage = () => done(performance.timeOrigin + performance.now());
                c.port2.postMessage(0);
              });
              return true;
            };
            const o = new MutationObserver(() => { if (seen()) o.disconnect(); });
            o.observe(document, { subtree: true, childList: true, characterData: true });
          });
        }, marker);
        const text = `${original}\n${marker}\n`;
        const t0 = now();
        if (how === "in place") writeFileSync(file, text);
        else { writeFileSync(file + ".tmp~", text); renameSync(file + ".tmp~", file); }
        const t1 = await page.evaluate(() => Promise.race([
          window.painted, new Promise((r) => setTimeout(() => r(null), 15000))]));
        if (t1 === null) throw new Error(`${label}: edit ${i} (${how}) never appeared`);
        times.push(t1 - t0);
        await page.waitForTimeout(150);
      }
      results[how] = times;
    }
    writeFileSync(file, original);
    for (const [how, t] of Object.entries(results)) {
      console.log(`${label}, ${how}: save → painted median ${pct(t, 0.5).toFixed(0)} ms, p90 ${pct(t, 0.9).toFixed(0)} ms, ` +
        `min ${Math.min(...t).toFixed(0)} ms (${t.length} edits)`);
    }
    if (process.env.QUIRE_BENCH_LOG) {
      // The server's own account of each rebuild (QUIRE_BENCH_LOG=1), to split the figure.
      console.log(server.log().split("\n").filter((l) => l.includes(" in ")).join("\n"));
    }
    const patched = await page.evaluate(() => window.notReloaded === true);
    console.log(`${label}: ${patched ? "every edit was patched in place" : "the page reloaded during the run"}`);
  } finally {
    await browser.close();
    server.stop();
  }
}

const essay = copySite(repoRoot);
await measure("essay site", essay, join(essay, "site", "02-computing-power.md"), "computing-power/");

const generated = join(tmpdir(), `quire-bench-browser-${PAGES}`);
if (!existsSync(join(generated, "quire.toml"))) {
  execFileSync("cargo", ["bench", "--bench", "reload", "--", "--generate", generated, String(PAGES)],
    { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
}
const one = join(generated, "site", "050-section-50", "042-page-42.md");
const [file, path] = existsSync(one)
  ? [one, "section-50/page-42/"]
  : [join(generated, "site", "000-section-0", "000-page-0.md"), "section-0/page-0/"];
await measure(`generated site of ${PAGES} pages`, generated, file, path);
