// Site search over the Pagefind index that `quire build` writes to pagefind/.
// Keyboard first: "/" focuses the box, arrows move, Enter opens, Escape closes.
// The ARIA combobox pattern: the input controls a listbox of options.
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-results");
  var script = document.currentScript;
  if (!input || !panel || !script) return;

  // The bundle sits beside assets/ under the site's base path, wherever that is:
  // derive it from this script's own URL instead of assuming the domain root.
  var bundle = new URL("../pagefind/pagefind.js?v=" + (script.dataset.bundleVersion || ""), script.src).href;
  var pagefind = null;
  var loading = null;
  var selected = -1;
  var results = [];
  var latest = 0;

  // The "/" shortcut is announced only where there is a keyboard to press it: a fine
  // pointer that can hover (not a phone or a tablet's touch screen).
  if (window.matchMedia && window.matchMedia("(hover: hover) and (pointer: fine)").matches) {
    input.placeholder = "Search (press /)";
  }
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", "search-results");
  input.setAttribute("aria-autocomplete", "list");
  panel.setAttribute("role", "listbox");
  panel.setAttribute("aria-label", "Search results");

  function load() {
    if (!loading) {
      loading = import(bundle).then(function (pf) {
        pagefind = pf;
        // URLs in the index already carry the base path.
        return pf.options({ baseUrl: "/", excerptLength: 24 }).then(function () { return pf; });
      }).catch(function (e) {
        // Try again on the next keystroke (the dev server may still be building the index).
        loading = null;
        throw e;
      });
    }
    return loading;
  }

  function open(isOpen) {
    panel.hidden = !isOpen;
    input.setAttribute("aria-expanded", String(isOpen));
    if (!isOpen) {
      selected = -1;
      input.removeAttribute("aria-activedescendant");
    }
  }

  function select(i) {
    var items = panel.querySelectorAll("[role=option]");
    if (!items.length) return;
    selected = (i + items.length) % items.length;
    items.forEach(function (li, n) { li.setAttribute("aria-selected", String(n === selected)); });
    input.setAttribute("aria-activedescendant", items[selected].id);
    items[selected].scrollIntoView({ block: "nearest" });
  }

  // A message is not an option: the panel stops being a listbox and the message is
  // announced as a status.
  function message(text) {
    panel.innerHTML = "";
    panel.removeAttribute("role");
    var p = document.createElement("p");
    p.className = "empty";
    p.setAttribute("role", "status");
    p.textContent = text;
    panel.appendChild(p);
    open(true);
  }

  // Pagefind's excerpt is the page's text with "<" and ">" escaped and <mark> around the
  // matches. Only the marks become elements; the rest is text, never parsed as HTML.
  function highlight(el, excerpt) {
    var into = el;
    excerpt.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") into = el.appendChild(document.createElement("mark"));
      else if (part === "</mark>") into = el;
      else if (part) into.appendChild(document.createTextNode(part.replace(/&lt;/g, "<").replace(/&gt;/g, ">")));
    });
  }

  function render(list) {
    results = list;
    panel.innerHTML = "";
    if (!list.length) { message("No results"); return; }
    panel.setAttribute("role", "listbox");
    var ul = document.createElement("ul");
    ul.setAttribute("role", "presentation");
    list.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "search-result-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var a = document.createElement("a");
      a.href = r.url;
      a.tabIndex = -1;
      var title = document.createElement("span");
      title.className = "title";
      title.textContent = (r.meta && r.meta.title) || r.url;
      var excerpt = document.createElement("span");
      excerpt.className = "excerpt";
      highlight(excerpt, r.excerpt || "");
      a.appendChild(title);
      a.appendChild(excerpt);
      li.appendChild(a);
      ul.appendChild(li);
    });
    panel.appendChild(ul);
    open(true);
    select(0);
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { open(false); return; }
    load().then(function (pf) {
      return pf.debouncedSearch(query, {}, 120);
    }).then(function (search) {
      // A newer keystroke superseded this search (debouncedSearch resolves null then).
      if (!search || ticket !== latest) return null;
      return Promise.all(search.results.slice(0, 8).map(function (r) { return r.data(); }));
    }).then(function (list) {
      if (list && ticket === latest) render(list);
    }).catch(function () {
      if (ticket === latest) message("Search is unavailable right now.");
    });
  }

  input.addEventListener("focus", function () {
    load().catch(function () {});
    if (input.value.trim() && panel.hidden) run();
  });
  // Tabbing away closes the results; a click on a result moves focus into the panel first.
  input.addEventListener("blur", function (e) {
    if (!panel.contains(e.relatedTarget)) open(false);
  });
  input.addEventListener("input", run);
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); if (panel.hidden) run(); else select(selected + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
    else if (e.key === "Enter") {
      if (selected >= 0 && results[selected]) { e.preventDefault(); location.href = results[selected].url; }
    } else if (e.key === "Escape") { open(false); input.blur(); }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
  document.addEventListener("click", function (e) {
    if (!panel.contains(e.target) && e.target !== input) open(false);
  });
})();
