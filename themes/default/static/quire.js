// Quire default theme: menu and theme toggles, glossary previews, and the current TOC entry.
// Everything here is an enhancement: without JavaScript every link still works.
(function () {
  "use strict";
  var doc = document.documentElement;

  // --- Menu (phones) -------------------------------------------------------
  var navToggle = document.querySelector(".nav-toggle");
  if (navToggle) {
    var setNav = function (open) {
      document.body.classList.toggle("nav-open", open);
      navToggle.setAttribute("aria-expanded", String(open));
    };
    navToggle.addEventListener("click", function () {
      setNav(!document.body.classList.contains("nav-open"));
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && document.body.classList.contains("nav-open")) {
        setNav(false);
        navToggle.focus();
      }
    });
  }

  // --- Dark / light toggle -------------------------------------------------
  var themeToggle = document.querySelector(".theme-toggle");
  if (themeToggle) {
    var current = function () {
      if (doc.dataset.theme) return doc.dataset.theme;
      return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    };
    var label = function () {
      themeToggle.setAttribute("aria-pressed", String(current() === "dark"));
    };
    label();
    themeToggle.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      doc.dataset.theme = next;
      try { localStorage.setItem("quire-theme", next); } catch (e) { /* private mode */ }
      label();
    });
  }

  // --- Glossary previews (WAI-ARIA tooltip pattern) ------------------------
  // Each a.term has aria-describedby pointing at a shared div[role=tooltip].
  var shown = null;     // { link, tip }
  var hideTimer = null;
  var touched = null;   // the link a first tap opened, so a second tap follows it

  function place(link, tip) {
    var r = link.getBoundingClientRect();
    tip.style.left = "0px";
    tip.style.top = "0px";
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.min(Math.max(8, r.left), window.innerWidth - w - 8);
    var below = r.bottom + 8;
    var top = below + h > window.innerHeight - 8 && r.top - h - 8 > 8 ? r.top - h - 8 : below;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function show(link) {
    var tip = document.getElementById(link.getAttribute("aria-describedby"));
    if (!tip) return;
    clearTimeout(hideTimer);
    if (shown && shown.tip !== tip) hide();
    tip.hidden = false;
    place(link, tip);
    shown = { link: link, tip: tip };
  }

  function hide() {
    clearTimeout(hideTimer);
    if (shown) shown.tip.hidden = true;
    shown = null;
    touched = null;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 200);
  }

  document.querySelectorAll("a.term[aria-describedby]").forEach(function (link) {
    link.addEventListener("mouseenter", function () { show(link); });
    link.addEventListener("mouseleave", hideSoon);
    link.addEventListener("focus", function () { show(link); });
    link.addEventListener("blur", hideSoon);
    link.addEventListener("touchstart", function () { link.dataset.touch = "1"; }, { passive: true });
    link.addEventListener("click", function (e) {
      // On touch, the first tap previews and the second follows the link.
      if (link.dataset.touch && touched !== link) {
        e.preventDefault();
        show(link);
        touched = link;
      }
      delete link.dataset.touch;
    });
  });

  document.querySelectorAll(".term-tip").forEach(function (tip) {
    // The preview stays while the pointer is over it.
    tip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    tip.addEventListener("mouseleave", hideSoon);
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && shown) hide(); // focus stays where it is
  });
  document.addEventListener("click", function (e) {
    if (shown && !shown.link.contains(e.target) && !shown.tip.contains(e.target)) hide();
  });
  window.addEventListener("resize", function () { if (shown) place(shown.link, shown.tip); });

  // --- Current table-of-contents entry -------------------------------------
  var tocLinks = document.querySelectorAll(".toc a[href^='#']");
  if (tocLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    tocLinks.forEach(function (a) { byId[decodeURIComponent(a.getAttribute("href").slice(1))] = a; });
    var visible = new Set();
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) {
        if (en.isIntersecting) visible.add(en.target.id); else visible.delete(en.target.id);
      });
      var first = null;
      Object.keys(byId).some(function (id) { if (visible.has(id)) { first = id; return true; } return false; });
      if (first) {
        tocLinks.forEach(function (a) { a.classList.remove("active"); });
        byId[first].classList.add("active");
      }
    }, { rootMargin: "-60px 0px -60% 0px" });
    Object.keys(byId).forEach(function (id) {
      var h = document.getElementById(id);
      if (h) observer.observe(h);
    });
  }

  // --- Copy buttons on code blocks --------------------------------------------
  // A real <button> over the block's corner (absolutely placed, so nothing moves); the
  // result is announced through one polite status region.
  var blocks = document.querySelectorAll(".code-block");
  if (blocks.length) {
    var status = document.createElement("span");
    status.className = "code-copy-status";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    var fallbackCopy = function (text) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
    };
    blocks.forEach(function (block) {
      var code = block.querySelector("code");
      if (!code) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      var timer = 0;
      button.addEventListener("click", function () {
        var text = code.textContent;
        var copy = navigator.clipboard && window.isSecureContext
          ? navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); })
          : fallbackCopy(text);
        copy.then(function () {
          button.textContent = "Copied";
          button.classList.add("copied");
          status.textContent = "Copied";
        }, function () {
          button.textContent = "Failed";
          status.textContent = "Copy failed: select the code and copy it by hand";
        }).then(function () {
          clearTimeout(timer);
          timer = setTimeout(function () {
            button.textContent = "Copy";
            button.classList.remove("copied");
            status.textContent = "";
          }, 2000);
        });
      });
      block.appendChild(button);
    });
  }
})();
