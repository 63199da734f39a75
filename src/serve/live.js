// Quire dev server: live update. On `reload` the page fetches its new HTML and patches
// the DOM where the source changed (scroll, focus, open previews and script-set state
// stay); a changed layout (stylesheets, scripts, header, page skeleton) reloads instead.
// `css` swaps stylesheets; build errors show in an overlay isolated in a shadow root.
(function () {
  "use strict";
  var me = document.currentScript;
  var build = Number(me.dataset.build);
  // The page as the server sent it: runs before deferred scripts change the DOM.
  var prev = document.documentElement.cloneNode(true);
  var key = "quire-scroll:" + location.pathname;
  try {
    var saved = sessionStorage.getItem(key);
    if (saved !== null) {
      sessionStorage.removeItem(key);
      var y = Number(saved);
      window.scrollTo(0, y);
      window.addEventListener("load", function () { window.scrollTo(0, y); });
    }
  } catch (e) {}
  function reload() {
    try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) {}
    location.reload();
  }
  function skeleton(el) {
    return el ? el.nodeName + "#" + el.id + "." + el.className : "";
  }
  // What a patch cannot change safely: the assets, the header, the page's outline.
  function layout(root) {
    var parts = [root.getAttribute("lang")];
    root.querySelectorAll('link[rel="stylesheet"],script[src]').forEach(function (n) {
      parts.push(n.getAttribute("href") || n.getAttribute("src"));
    });
    var body = root.querySelector("body");
    if (body) for (var c = body.firstElementChild; c; c = c.nextElementSibling) {
      if (c.nodeName !== "SCRIPT" && !c.classList.contains("term-tip")) parts.push(skeleton(c));
    }
    root.querySelectorAll("header *").forEach(function (n) { parts.push(skeleton(n)); });
    return parts.join("\n");
  }
  // Applies the difference between source trees `a` (old) and `b` (new) to `live`, which
  // shows `a` plus whatever scripts appended after its children.
  function patch(live, a, b) {
    if (a.isEqualNode(b)) return;
    if (a.nodeType === 3 && b.nodeType === 3 && live.nodeType === 3) { live.nodeValue = b.nodeValue; return; }
    var kids = live.childNodes, ak = a.childNodes, bk = b.childNodes;
    if (a.nodeType !== 1 || a.nodeName !== b.nodeName || live.nodeName !== a.nodeName || kids.length < ak.length) {
      live.replaceWith(document.importNode(b, true));
      return;
    }
    Array.prototype.forEach.call(a.attributes, function (t) { if (!b.hasAttribute(t.name)) live.removeAttribute(t.name); });
    Array.prototype.forEach.call(b.attributes, function (t) {
      if (a.getAttribute(t.name) !== t.value) live.setAttribute(t.name, t.value);
    });
    var s = 0, ea = ak.length, eb = bk.length;
    while (s < ea && s < eb && ak[s].isEqualNode(bk[s])) s++;
    while (ea > s && eb > s && ak[ea - 1].isEqualNode(bk[eb - 1])) { ea--; eb--; }
    var slice = Array.prototype.slice;
    var lm = slice.call(kids, s, ea), am = slice.call(ak, s, ea), bm = slice.call(bk, s, eb);
    var ref = kids[ea] || null, x = 0, y = 0;
    // Where `node` reappears in `list` from `from` on (blank text never anchors a match).
    function find(list, from, node) {
      if (node.nodeType === 3 && !node.nodeValue.trim()) return -1;
      for (var k = from; k < list.length && k < from + 64; k++) if (list[k].isEqualNode(node)) return k;
      return -1;
    }
    while (x < am.length || y < bm.length) {
      if (y >= bm.length) { lm[x++].remove(); continue; }
      if (x >= am.length) { live.insertBefore(document.importNode(bm[y++], true), ref); continue; }
      if (am[x].isEqualNode(bm[y])) { x++; y++; continue; }
      var k = find(bm, y + 1, am[x]);
      if (k >= 0) { while (y < k) live.insertBefore(document.importNode(bm[y++], true), lm[x]); continue; }
      k = find(am, x + 1, bm[y]);
      if (k >= 0) { while (x < k) lm[x++].remove(); continue; }
      patch(lm[x++], am[x - 1], bm[y++]);
    }
  }
  var busy = null;
  function update(next) {
    // One fetch at a time; a newer event while one is under way fetches once more.
    if (busy) { busy.again = true; return; }
    busy = { again: false };
    fetch(location.href, { cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (layout(doc.documentElement) !== layout(prev)) return reload();
        var tag = doc.querySelector("script[data-events]");
        patch(document.head, prev.querySelector("head"), doc.head);
        patch(document.body, prev.querySelector("body"), doc.body);
        prev = doc.documentElement;
        build = tag ? Number(tag.dataset.build) : next;
        overlay(null);
        document.dispatchEvent(new CustomEvent("quire:updated"));
        var again = busy.again;
        busy = null;
        if (again) update(next);
      })
      .catch(function () { reload(); });
  }
  var host = null;
  function overlay(diagnostics) {
    if (!diagnostics) { if (host) { host.remove(); host = null; } return; }
    if (!host) {
      host = document.createElement("div");
      host.id = "quire-error-host";
      // A shadow root keeps the theme's styles (pre, strong, colours) away from the box.
      var root = host.attachShadow({ mode: "open" });
      root.innerHTML = "<style>:host{all:initial}#quire-error-overlay{position:fixed;inset:auto 1rem 1rem 1rem;" +
        "z-index:2147483647;max-height:60vh;overflow:auto;box-sizing:border-box;background:#2b0d0d;color:#fff1f1;" +
        "border:2px solid #ff6b6b;border-radius:10px;padding:1rem 1.25rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;" +
        "box-shadow:0 10px 40px rgba(0,0,0,.5);text-align:left;color-scheme:dark}" +
        "strong{color:#ffd7d7;font-weight:700}pre{white-space:pre-wrap;margin:.6rem 0 0;padding:0;background:none;" +
        "color:inherit;font:inherit;border:0}</style><div id=\"quire-error-overlay\" role=\"alert\"></div>";
      document.body.appendChild(host);
    }
    var box = host.shadowRoot.getElementById("quire-error-overlay");
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "Build failed: the page shows the last good build. Fix the file and save.";
    box.appendChild(title);
    diagnostics.forEach(function (d) {
      var p = document.createElement("pre");
      p.textContent = d.location + ": " + d.message + (d.hint ? "\n  hint: " + d.hint : "");
      box.appendChild(p);
    });
  }
  var source = new EventSource(me.dataset.events);
  source.addEventListener("hello", function (e) {
    var data = JSON.parse(e.data);
    if (data.build !== build && !data.diagnostics) update(data.build);
    overlay(data.diagnostics || null);
  });
  source.addEventListener("reload", function (e) { update(JSON.parse(e.data).build); });
  source.addEventListener("css", function (e) {
    var data = JSON.parse(e.data);
    data.swap.forEach(function (pair) {
      [document, prev].forEach(function (root) {
        root.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
          if (link.getAttribute("href") === pair[0]) link.setAttribute("href", pair[1]);
        });
      });
    });
    build = data.build;
    overlay(null);
  });
  source.addEventListener("error", function (e) {
    if (e.data) overlay(JSON.parse(e.data).diagnostics);
  });
})();
