// Helpers for the browser tests: the quire binary, temp sites, a static server on
// 127.0.0.1, a live `quire serve`, and headless Chromium. Every wait is bounded.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, cpSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The release binary (run.sh builds it), else the debug one. */
export function quireBin() {
  for (const profile of ["release", "debug"]) {
    const bin = join(repoRoot, "target", profile, "quire");
    if (existsSync(bin)) return bin;
  }
  execFileSync("cargo", ["build", "--release"], { cwd: repoRoot, stdio: "inherit" });
  return join(repoRoot, "target", "release", "quire");
}

/** A temp copy of a site folder (the essay site is the repo root). */
export function copySite(from) {
  const dir = mkdtempSync(join(tmpdir(), "quire-browser-"));
  cpSync(from, dir, {
    recursive: true,
    filter: (src) => !/[\\/](public|target|node_modules|\.git)$/.test(src),
  });
  return dir;
}

/** Runs `quire build` and returns its stdout. */
export function buildSite({ root, out, baseUrl }) {
  const args = ["build", "--root", root, "--output", out];
  if (baseUrl) args.push("--base-url", baseUrl);
  return execFileSync(quireBin(), args, { encoding: "utf8" });
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png", ".wasm": "application/wasm", ".xml": "application/xml", ".txt": "text/plain",
};

/** Serves `dir` under `basePath` on 127.0.0.1 (404.html for misses); resolves to { url, close }. */
export function serveDir(dir, basePath = "/") {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = null;
    if (path.startsWith(basePath)) {
      let rel = path.slice(basePath.length);
      if (rel === "" || rel.endsWith("/")) rel += "index.html";
      const candidate = resolve(root, rel);
      if (candidate.startsWith(root + sep) && existsSync(candidate) && statSync(candidate).isFile()) file = candidate;
    }
    if (!file) {
      res.writeHead(404, { "Content-Type": TYPES[".html"] });
      res.end(existsSync(join(root, "404.html")) ? readFileSync(join(root, "404.html")) : "not found");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      ok({ url: `http://127.0.0.1:${port}${basePath}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

/** Builds a temp copy of `site` for `baseUrl` and serves it under `basePath`; resolves to the server. */
export async function buildAndServe(site, baseUrl, basePath) {
  const root = copySite(site);
  buildSite({ root, out: join(root, "out"), baseUrl });
  return serveDir(join(root, "out"), basePath);
}

/** Starts `quire serve --port 0` on `root`; resolves to { url, stop } once it prints its URL. */
export function startServe(root) {
  const child = spawn(quireBin(), ["serve", "--port", "0", "--root", root], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => { child.kill(); fail(new Error("quire serve did not start: " + stderr)); }, 20000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        clearTimeout(timer);
        ok({ url: line.trim(), stop: () => { child.kill(); }, log: () => stderr });
      }
    });
    child.on("exit", (code) => { clearTimeout(timer); fail(new Error(`quire serve exited with ${code}: ${stderr}`)); });
  });
}

/** Headless Debian Chromium, never a downloaded browser. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}
