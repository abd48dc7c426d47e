/* privacydesk cookie banner: one dependency-free script. Embed with
   <script src="https://PRIVACYDESK/consent.js" defer></script>
   Scripts <script type="text/plain" data-category="analytics" src="…"> and iframes with data-src and
   data-category run or load only after consent for that category. Every decision is posted to
   /api/consent and kept in the ledger; the choice lives in the first-party cookie pd_consent.
   A site with a Content-Security-Policy allows this server in script-src, style-src and connect-src.
   Any element with data-pd-open, or a link to #cookie-settings, reopens the settings. */
(function (C) {
  "use strict";
  var d = document, w = window, me = d.currentScript;
  var base = me && me.src ? new URL(me.src).origin : location.origin;
  var lang = ((me && me.getAttribute("data-lang")) || d.documentElement.lang || "nl").slice(0, 2) === "en" ? "en" : "nl";
  var T = C.t[lang], NAME = "pd_consent", RE = /^1\.(\d+)\.([0-9a-f]{32})\.([a-z_+]+|-)\.([0-9a-z]+)\.([0-9a-f]{24})$/;
  var cats = {}, acc = {}, root, last, shown = false, retried = false;
  C.cats.forEach(function (c) { cats[c.k] = c; });

  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function readCookie() {
    var m = ("; " + d.cookie).split("; " + NAME + "=");
    return m.length > 1 ? decodeURIComponent(m[1].split(";")[0]) : "";
  }
  function parse(v) {
    var m = RE.exec(v || "");
    return m && { rev: +m[1], visitor: m[2], acc: m[3] === "-" ? [] : m[3].split("+"), ts: parseInt(m[4], 36), raw: v };
  }
  function randomId() {
    var a = new Uint8Array(16), s = "";
    (w.crypto || w.msCrypto).getRandomValues(a);
    for (var i = 0; i < 16; i++) s += (a[i] + 256).toString(16).slice(1);
    return s;
  }
  var stored = parse(readCookie());
  var visitor = stored ? stored.visitor : randomId();
  var valid = stored && stored.rev === C.rev && Date.now() / 1000 - stored.ts < C.days * 86400;

  function allowed(k) { return !!cats[k] && (!cats[k].req || !!acc[k]); }

  function apply() {
    d.querySelectorAll('script[type="text/plain"][data-category]').forEach(function (s) {
      if (!allowed(s.getAttribute("data-category"))) return;
      var n = d.createElement("script");
      for (var i = 0; i < s.attributes.length; i++) {
        var a = s.attributes[i];
        if (a.name !== "type" && a.name !== "data-category") n.setAttribute(a.name, a.value);
      }
      n.type = s.getAttribute("data-type") || "text/javascript";
      if (!s.src) n.text = s.text;
      s.parentNode.replaceChild(n, s);
    });
    d.querySelectorAll("iframe[data-src][data-category]").forEach(function (f) {
      if (allowed(f.getAttribute("data-category")) && f.getAttribute("src") !== f.getAttribute("data-src")) {
        f.setAttribute("src", f.getAttribute("data-src"));
      }
    });
  }

  function matches(name, ck) { return ck[4] ? name.indexOf(ck[0]) === 0 : name === ck[0]; }

  function removeRejected() {
    var host = location.hostname.split("."), names = d.cookie.split(";").map(function (c) { return c.split("=")[0].trim(); });
    C.cats.forEach(function (c) {
      if (allowed(c.k)) return;
      c.ck.forEach(function (ck) {
        if (ck[5] === "local_storage") {
          try { Object.keys(localStorage).forEach(function (k) { if (matches(k, ck)) localStorage.removeItem(k); }); } catch (e) { /* storage blocked */ }
          return;
        }
        names.forEach(function (n) {
          if (!matches(n, ck)) return;
          for (var i = 0; i < host.length; i++) {
            var dom = host.slice(i).join(".");
            d.cookie = n + "=; Max-Age=0; Path=/; Domain=" + dom;
          }
          d.cookie = n + "=; Max-Age=0; Path=/";
        });
      });
    });
  }

  function ok(v) {
    try { if (v) sessionStorage.setItem("pd_ok", v); return sessionStorage.getItem("pd_ok"); } catch (e) { return null; }
  }
  function post(path, body) {
    return fetch(base + path, { method: "POST", mode: "cors", headers: { "Content-Type": "text/plain" }, body: body })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); });
  }
  function grant() {
    stored.acc.forEach(function (k) { acc[k] = true; });
    apply();
    removeRejected();
    fab();
  }
  function forget() {
    // A receipt the server does not recognise (altered, or from another revision): ask again.
    d.cookie = NAME + "=; Max-Age=0; Path=/";
    stored = null;
    acc = {};
    removeRejected();
    open(false);
  }

  function decide(method, choice) {
    var choices = {};
    acc = {};
    C.cats.forEach(function (c) {
      if (!c.req) return;
      choices[c.k] = !!choice[c.k];
      if (choice[c.k]) acc[c.k] = true;
    });
    apply();
    removeRejected();
    close();
    var body = { visitor: visitor, revision: C.rev, lang: lang, notice: C.notice[lang], choices: choices, method: method };
    if (stored) body.previous = stored.raw;
    post("/api/consent", JSON.stringify(body))
      .then(function (j) {
        stored = parse(j.receipt);
        ok(j.receipt);
        d.cookie = NAME + "=" + j.receipt + "; Max-Age=" + j.max_age + "; Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
        fab();
      })
      .catch(function () {
        // Not recorded: forget the choice and ask again (once per page).
        d.cookie = NAME + "=; Max-Age=0; Path=/";
        stored = null;
        if (!retried) { retried = true; open(false); }
      });
  }

  function all(v) { var o = {}; C.cats.forEach(function (c) { o[c.k] = v; }); return o; }

  function button(action, label) { return el("button", { type: "button", "data-pd": action, "class": "pdc-b" }, label); }

  function category(c) {
    var box = el("div", { "class": "pdc-cat" }), id = "pdc-c-" + c.k;
    var head = el("div", { "class": "pdc-h" }), label = el("label", { "for": id }, C.names[c.k][lang][0]);
    var input = el("input", { type: "checkbox", id: id, "data-c": c.k, role: "switch" });
    if (!c.req) { input.checked = true; input.disabled = true; }
    else if (acc[c.k]) input.checked = true;
    head.appendChild(input); head.appendChild(label);
    if (!c.req) head.appendChild(el("span", { "class": "pdc-al" }, T.always));
    box.appendChild(head);
    box.appendChild(el("p", null, C.names[c.k][lang][1]));
    if (c.ck.length) {
      var det = el("details"), tb = el("table"), tr = el("tr");
      det.appendChild(el("summary", null, T.cookies + " (" + c.ck.length + ")"));
      T.cols.forEach(function (h) { tr.appendChild(el("th", { scope: "col" }, h)); });
      tb.appendChild(tr);
      c.ck.forEach(function (ck) {
        var row = el("tr");
        [ck[0] + (ck[4] ? "*" : ""), ck[1], ck[2][lang], ck[3][lang]].forEach(function (v) { row.appendChild(el("td", null, v)); });
        tb.appendChild(row);
      });
      det.appendChild(tb);
      box.appendChild(det);
    }
    return box;
  }

  function render(settings) {
    if (root) root.remove();
    root = el("div", { id: "pdc", "class": "pdc", role: "dialog", "aria-modal": "true", "aria-labelledby": "pdc-t", "aria-describedby": "pdc-d", lang: lang });
    root.style.setProperty("--pdc-brand", C.color);
    var box = el("div", { "class": "pdc-box" }), p = el("p", { id: "pdc-d" }, T.text + " ");
    box.appendChild(el("h2", { id: "pdc-t" }, T.title));
    p.appendChild(el("a", { href: C.policy[lang] }, T.policy));
    box.appendChild(p);
    if (C.gpc) box.appendChild(el("p", { "class": "pdc-gpc" }, T.gpc));
    if (settings) {
      var list = el("div", { "class": "pdc-set" });
      C.cats.forEach(function (c) { list.appendChild(category(c)); });
      box.appendChild(list);
    }
    var btns = el("div", { "class": "pdc-btns" });
    btns.appendChild(button("accept", T.accept));
    btns.appendChild(button("reject", T.reject));
    btns.appendChild(settings ? button("save", T.save) : button("settings", T.settings));
    box.appendChild(btns);
    root.appendChild(box);
    root.addEventListener("click", onClick);
    root.addEventListener("keydown", onKey);
    d.body.appendChild(root);
    root.querySelector(settings ? "input:not([disabled]),button" : "button").focus();
  }

  function onClick(e) {
    var a = e.target.getAttribute && e.target.getAttribute("data-pd");
    if (a === "accept") decide("accept_all", all(true));
    else if (a === "reject") decide("reject_all", all(false));
    else if (a === "settings") render(true);
    else if (a === "save") {
      var ch = {};
      root.querySelectorAll("input[data-c]").forEach(function (i) { ch[i.getAttribute("data-c")] = i.checked; });
      decide("save", ch);
    }
  }

  function onKey(e) {
    if (e.key === "Escape" && root.querySelector(".pdc-set")) { render(false); return; }
    if (e.key !== "Tab") return;
    var f = [].filter.call(root.querySelectorAll("a[href],button,input:not([disabled]),summary"), function (x) { return x.offsetParent !== null; });
    var first = f[0], end = f[f.length - 1];
    if (e.shiftKey && d.activeElement === first) { end.focus(); e.preventDefault(); }
    else if (!e.shiftKey && d.activeElement === end) { first.focus(); e.preventDefault(); }
  }

  function open(settings) {
    last = d.activeElement;
    shown = true;
    render(settings);
  }

  function close() {
    if (root) { root.remove(); root = null; }
    if (shown && last && last.focus) last.focus();
    shown = false;
  }

  function fab() {
    if (d.getElementById("pdc-open")) return;
    var b = el("button", { type: "button", id: "pdc-open", "class": "pdc-open" }, T.open);
    b.addEventListener("click", function () { open(true); });
    d.body.appendChild(b);
  }

  function start() {
    d.addEventListener("click", function (e) {
      var t = e.target.closest && e.target.closest('[data-pd-open],a[href="#cookie-settings"]');
      if (t) { e.preventDefault(); open(true); }
    });
    if (valid) {
      if (ok() === stored.raw) grant();
      else post("/api/consent/check", stored.raw).then(function () { ok(stored.raw); grant(); }).catch(forget);
    } else if (C.gpc || navigator.globalPrivacyControl) {
      C.gpc = true;
      decide("gpc", all(false));
    } else {
      apply();
      open(false);
    }
  }

  var link = el("link", { rel: "stylesheet", href: base + "/consent.css" });
  d.head.appendChild(link);
  w.privacydeskConsent = { open: function () { open(true); }, accepted: function (k) { return allowed(k); } };
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start); else start();
})(__PD_CONFIG__);
