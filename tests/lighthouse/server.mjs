// A static file server like GitHub Pages, for Lighthouse: the site under its base path,
// gzip for text, `Cache-Control: max-age=600`, ETag and Last-Modified with 304s, `/dir` →
// 301 `/dir/`, and the site's 404.html with status 404 for anything else.
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
};
// GitHub Pages compresses text; Pagefind's index chunks are already compressed.
const COMPRESSIBLE = new Set([".html", ".css", ".js", ".mjs", ".json", ".xml", ".txt", ".svg", ".wasm"]);

/** Serves `dir` under `basePath` on 127.0.0.1; resolves to { url, close }. */
export function serve(dir, basePath = "/") {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = null;
    let status = 200;
    if (path.startsWith(basePath)) {
      const candidate = resolve(root, path.slice(basePath.length));
      if (candidate === root || candidate.startsWith(root + sep)) {
        if (existsSync(candidate) && statSync(candidate).isDirectory()) {
          if (!path.endsWith("/")) {
            res.writeHead(301, { Location: url.pathname + "/" + url.search }).end();
            return;
          }
          file = join(candidate, "index.html");
        } else {
          file = candidate;
        }
      }
    }
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      file = join(root, "404.html");
      status = 404;
    }
    const body = readFileSync(file);
    const ext = extname(file);
    const etag = '"' + createHash("sha1").update(body).digest("hex").slice(0, 16) + '"';
    const headers = {
      "Content-Type": TYPES[ext] || "application/octet-stream",
      "Cache-Control": "max-age=600",
      ETag: etag,
      "Last-Modified": statSync(file).mtime.toUTCString(),
      Vary: "Accept-Encoding",
    };
    if (status === 200 && req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    let out = body;
    if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
      out = gzipSync(body);
      headers["Content-Encoding"] = "gzip";
    }
    headers["Content-Length"] = out.length;
    res.writeHead(status, headers);
    res.end(req.method === "HEAD" ? undefined : out);
  });
  return new Promise((ok) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      ok({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}
