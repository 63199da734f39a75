// Measures what one search costs a reader: serves a built site on 127.0.0.1, opens its home
// page in headless Chromium, types each query into the search box like a reader would and
// counts every byte the server sends from the first keystroke until the results are shown
// and the network is quiet. Each query runs in a fresh browser context (nothing cached).
//
//   node tests/browser/search-bytes.mjs OUTPUT_DIR BASE_PATH QUERY...
//
// Prints one JSON object per query: total bytes, the bytes per kind of file, the results.
// Not a test (run.sh only runs *.test.mjs); `cargo bench --bench search` runs it.
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve, sep } from "node:path";
import { launchBrowser } from "./lib.mjs";

const [dir, basePath = "/", ...queries] = process.argv.slice(2);
if (!dir || !queries.length) {
  console.error("usage: node search-bytes.mjs OUTPUT_DIR BASE_PATH QUERY...");
  process.exit(2);
}
const root = resolve(dir);
let log = [];

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  let file = null;
  if (path.startsWith(basePath)) {
    let rel = path.slice(basePath.length);
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const candidate = resolve(root, rel);
    if (candidate.startsWith(root + sep) && existsSync(candidate) && statSync(candidate).isFile()) file = candidate;
  }
  const body = file ? readFileSync(file) : Buffer.from("not found");
  const type = file?.endsWith(".js") ? "text/javascript" : file?.endsWith(".html") ? "text/html" : "application/octet-stream";
  res.writeHead(file ? 200 : 404, { "Content-Type": type, "Content-Length": body.length });
  res.end(body);
  log.push({ path: path.slice(basePath.length), status: file ? 200 : 404, bytes: body.length });
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;

function kind(path) {
  if (path.startsWith("pagefind/index/")) return "index chunks";
  if (path.startsWith("pagefind/fragment/")) return "fragments";
  if (path.startsWith("pagefind/wasm.")) return "WebAssembly";
  if (/^pagefind\/pagefind(-worker)?\.js$/.test(path)) return "loader and worker";
  if (path.startsWith("pagefind/")) return "entry, meta, filters";
  return "other";
}

async function quiet(ms = 400, limit = 20000) {
  const start = Date.now();
  let last = log.length;
  let since = Date.now();
  while (Date.now() - start < limit) {
    await new Promise((r) => setTimeout(r, 50));
    if (log.length !== last) { last = log.length; since = Date.now(); }
    else if (Date.now() - since >= ms) return;
  }
}

const browser = await launchBrowser();
try {
  for (const query of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(origin + basePath);
    await quiet();
    log = [];
    await page.keyboard.press("/");
    await page.keyboard.type(query, { delay: 60 });
    await page.locator("#search-results").waitFor({ state: "visible", timeout: 20000 });
    await page.waitForFunction(() => !document.querySelector("#search-results")?.hidden
      && document.querySelector("#search-results [role=option], #search-results .empty"), null, { timeout: 20000 });
    await quiet();
    const results = await page.locator("#search-results a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const byKind = {};
    for (const r of log) byKind[kind(r.path)] = (byKind[kind(r.path)] || 0) + r.bytes;
    const total = log.reduce((n, r) => n + r.bytes, 0);
    const missing = log.filter((r) => r.status !== 200).map((r) => r.path);
    console.log(JSON.stringify({ query, total, requests: log.length, byKind, missing, results }));
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
