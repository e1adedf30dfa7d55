/* SupportDesk chat widget. A website embeds it with one tag:
     <script src="https://app.example.com/static/widget/supportdesk-widget.js" data-widget-key="wk_..." defer></script>
   Optional attributes: data-api (the app's origin; defaults to the script's own origin),
   data-prechat (ask for name and email before the first message), data-user-id + data-user-hmac
   (the site's signed-in user, HMAC-SHA256'd with the brand's identity secret).
   Speaks docs/protocol.md v1. Everything a visitor or an operator wrote is rendered with
   textContent, never as HTML. Rendered in a Shadow DOM so the host page's CSS cannot reach it. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__supportdeskWidget) { return; }
  window.__supportdeskWidget = true;

  var PROTOCOL = 1, MAX_BODY = 5000, PING_MS = 25000, PONG_MS = 10000, TYPING_IDLE_MS = 4000, TYPING_SHOW_MS = 8000;
  var KEY = script.getAttribute("data-widget-key") || "";
  var API = (script.getAttribute("data-api") || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var WS = API.replace(/^http/, "ws") + "/ws/widget/" + encodeURIComponent(KEY) + "/";
  var PRECHAT = script.hasAttribute("data-prechat") && script.getAttribute("data-prechat") !== "off";
  var IDENTITY = script.getAttribute("data-user-id") && script.getAttribute("data-user-hmac") ?
    { user_id: script.getAttribute("data-user-id"), hmac: script.getAttribute("data-user-hmac") } : null;
  var STORE = "supportdesk:" + KEY;

  // ------------------------------------------------------------------ persisted state
  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { return {}; }
  }
  function save() {
    try {
      localStorage.setItem(STORE, JSON.stringify({
        token: state.token, read_seq: state.readSeq,
        outbox: state.outbox.map(function (m) { return { client_id: m.client_id, body: m.body }; })
      }));
    } catch (e) { /* storage full or blocked: the chat still works for this page view */ }
  }
  var saved = load();
  var state = {
    token: saved.token || "", readSeq: saved.read_seq || 0, outbox: saved.outbox || [],
    lastSeq: 0, conversation: null, ws: null, open: false, attempt: 0, retryTimer: 0, pingTimer: 0,
    stopped: false, sessionReady: false, unread: 0, typingSent: false, typingTimer: 0, theirTypingTimer: 0
  };

  function newClientId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // ------------------------------------------------------------------ DOM (shadow root)
  var hostEl = document.createElement("div");
  hostEl.setAttribute("data-supportdesk-widget", "");
  document.body.appendChild(hostEl);
  var root = hostEl.attachShadow({ mode: "open" });
  // Static markup only: no data ever goes through innerHTML.
  root.innerHTML =
    "<style>" +
    ":host{all:initial}*{box-sizing:border-box}" +
    ".w{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2933}" +
    "button,textarea,input{font:inherit;color:inherit}" +
    ":focus-visible{outline:3px solid #1f2933;outline-offset:2px;box-shadow:0 0 0 2px #fff}" +
    ".bubble{position:fixed;right:20px;bottom:20px;z-index:2147483646;width:58px;height:58px;border-radius:50%;background:#1d4ed8;color:#fff;border:0;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3);font-size:24px;font-weight:600}" +
    ".badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#b91c1c;color:#fff;font-size:12px;line-height:22px;font-weight:700}" +
    ".badge[hidden],[hidden]{display:none!important}" +
    ".panel{position:fixed;right:20px;bottom:90px;z-index:2147483647;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden}" +
    ".head{background:#1d4ed8;color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}" +
    "h2{margin:0;font-size:17px;flex:1}" +
    ".x{background:transparent;border:0;color:#fff;font-size:22px;cursor:pointer;width:32px;height:32px;border-radius:6px}" +
    ".status{margin:0;padding:6px 14px;font-size:13px;background:#f0f4f8;color:#3e4c59}" +
    ".status.warn{background:#fef3c7;color:#7c2d12}" +
    ".log{flex:1;overflow-y:auto;padding:12px 14px;display:flex;flex-direction:column;gap:8px;margin:0;list-style:none}" +
    ".m{max-width:85%;align-self:flex-start}" +
    ".m.me{align-self:flex-end}" +
    ".who{font-size:12px;color:#52606d;margin:0 0 2px}" +
    ".body{margin:0;padding:8px 11px;border-radius:10px;background:#eef2f7;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".me .body{background:#1d4ed8;color:#fff}" +
    ".system .body{background:transparent;color:#52606d;font-style:italic;padding:0}" +
    ".ai{font-size:12px;color:#52606d;margin:2px 0 0}" +
    ".meta{font-size:12px;color:#52606d;margin:2px 0 0;text-align:right}" +
    ".meta.fail{color:#b91c1c}" +
    ".typing{margin:0;padding:0 14px 6px;font-size:13px;color:#52606d;min-height:1.4em}" +
    "form{margin:0;border-top:1px solid #d9e2ec;padding:10px 12px}" +
    "textarea{width:100%;resize:none;border:1px solid #7b8794;border-radius:8px;padding:8px;height:64px}" +
    ".row{display:flex;align-items:center;justify-content:space-between;gap:8px;margin-top:6px}" +
    ".count{font-size:12px;color:#52606d}.count.over{color:#b91c1c;font-weight:700}" +
    ".send,.go{background:#1d4ed8;color:#fff;border:0;border-radius:8px;padding:7px 16px;cursor:pointer;font-weight:600}" +
    ".send:disabled{background:#7b8794;cursor:not-allowed}" +
    ".pre{padding:14px;overflow-y:auto;flex:1}.pre p{margin:0 0 10px}" +
    "label{display:block;font-weight:600;margin:10px 0 4px}" +
    "input{width:100%;padding:8px;border:1px solid #7b8794;border-radius:8px}" +
    ".skip{background:transparent;border:0;color:#1d4ed8;text-decoration:underline;cursor:pointer;padding:7px 4px}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    "</style>" +
    '<div class="w">' +
    '<section class="panel" id="panel" role="dialog" aria-label="Chat" hidden>' +
    '<div class="head"><h2 id="title">Chat</h2><button class="x" id="close" type="button" aria-label="Close chat">\u00d7</button></div>' +
    '<p class="status" id="status" role="status">Connecting\u2026</p>' +
    '<form class="pre" id="pre" hidden novalidate><p>Tell us who you are (optional) and we\u2019ll be right with you.</p>' +
    '<label for="pre-name">Name</label><input id="pre-name" name="name" autocomplete="name" maxlength="100">' +
    '<label for="pre-email">Email</label><input id="pre-email" name="email" type="email" autocomplete="email" maxlength="254">' +
    '<div class="row"><button class="skip" type="button" id="skip">Skip</button><button class="go" type="submit">Start chat</button></div></form>' +
    '<ol class="log" id="log" role="log" aria-live="polite" aria-label="Messages"></ol>' +
    '<p class="typing" id="typing" aria-live="polite"></p>' +
    '<form id="composer" novalidate><label class="sr" for="input">Your message</label>' +
    '<textarea id="input" maxlength="5000" placeholder="Write a message\u2026" aria-describedby="count hint"></textarea>' +
    '<div class="row"><span class="count" id="count">0 / 5000</span><span class="sr" id="hint">Enter sends, Shift+Enter adds a new line.</span>' +
    '<button class="send" id="send" type="submit">Send</button></div></form>' +
    "</section>" +
    '<button class="bubble" id="bubble" type="button" aria-controls="panel" aria-expanded="false" aria-label="Open chat">?' +
    '<span class="badge" id="badge" hidden></span></button>' +
    "</div>";

  function $(id) { return root.getElementById(id); }
  var panel = $("panel"), bubble = $("bubble"), badge = $("badge"), log = $("log"), input = $("input"),
    statusEl = $("status"), typingEl = $("typing"), countEl = $("count"), composer = $("composer"),
    pre = $("pre"), sendBtn = $("send");

  function setStatus(text, warn) {
    statusEl.textContent = text;
    statusEl.className = "status" + (warn ? " warn" : "");
    statusEl.hidden = !text;
  }

  function setUnread(n) {
    state.unread = n;
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.hidden = n === 0;
    bubble.setAttribute("aria-label", state.open ? "Close chat" :
      n ? "Open chat, " + n + " unread message" + (n === 1 ? "" : "s") : "Open chat");
  }

  function visible() { return state.open && document.visibilityState !== "hidden"; }

  function markRead() {
    if (!visible() || state.lastSeq <= state.readSeq) { setUnread(0); return; }
    state.readSeq = state.lastSeq;
    save();
    setUnread(0);
    send({ type: "ack", seq: state.lastSeq });
  }

  function toggle(open) {
    state.open = open;
    panel.hidden = !open;
    bubble.setAttribute("aria-expanded", String(open));
    if (open) {
      start();
      markRead();
      (pre.hidden ? input : $("pre-name")).focus();
      log.scrollTop = log.scrollHeight;
    } else {
      bubble.focus();
    }
    setUnread(open ? 0 : state.unread);
  }
  bubble.addEventListener("click", function () { toggle(panel.hidden); });
  $("close").addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { toggle(false); } });
  document.addEventListener("visibilitychange", function () {
    markRead();
    if (document.visibilityState === "visible" && state.sessionReady && !state.ws && !state.stopped) { reconnectNow(); }
  });
  window.addEventListener("online", function () { if (state.sessionReady && !state.ws && !state.stopped) { reconnectNow(); } });
  // A dropped network rarely closes a socket by itself: close it so the visitor sees it at once.
  window.addEventListener("offline", function () { if (state.ws) { state.ws.close(); } });

  // ------------------------------------------------------------------ transcript
  function findItem(attr, value) {
    var items = log.children;
    for (var i = 0; i < items.length; i++) { if (items[i].getAttribute(attr) === String(value)) { return items[i]; } }
    return null;
  }

  function setMeta(li, text, fail) {
    var meta = li.querySelector(".meta");
    if (!meta) { meta = document.createElement("p"); meta.className = "meta"; li.appendChild(meta); }
    meta.textContent = text;
    meta.className = "meta" + (fail ? " fail" : "");
    meta.hidden = !text;
  }

  function item(sender, senderName, body) {
    var li = document.createElement("li");
    li.className = "m " + (sender === "visitor" ? "me" : sender);
    if (sender !== "visitor" && sender !== "system") {
      var who = document.createElement("p");
      who.className = "who";
      who.textContent = senderName || (sender === "ai_agent" ? "AI assistant" : "Support");
      li.appendChild(who);
    }
    var p = document.createElement("p");
    p.className = "body";
    p.textContent = body;
    li.appendChild(p);
    if (sender === "visitor") {
      var sr = document.createElement("span");
      sr.className = "sr";
      sr.textContent = "You said: ";
      p.insertBefore(sr, p.firstChild);
    }
    return li;
  }

  function placeBySeq(li, seq) {
    li.setAttribute("data-seq", String(seq));
    var items = log.children;
    for (var i = 0; i < items.length; i++) {
      var other = items[i].getAttribute("data-seq");
      if (!other || Number(other) > seq) { log.insertBefore(li, items[i]); return; }
    }
    log.appendChild(li);
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function onMessage(f) {
    if (typeof f.seq !== "number" || findItem("data-seq", f.seq)) { return; }
    var pending = f.client_id ? findItem("data-client-id", f.client_id) : null;
    var li = pending || item(f.sender, f.sender_name, String(f.body == null ? "" : f.body));
    if (pending) { setMeta(li, "", false); dropOutbox(f.client_id); }
    if (f.sender === "ai_agent" && f.ai && f.ai.generated) {
      var label = document.createElement("p");
      label.className = "ai";
      label.textContent = f.ai.label || "Generated by AI";
      li.appendChild(label);
    }
    placeBySeq(li, f.seq);
    if (f.seq > state.lastSeq) { state.lastSeq = f.seq; }
    if (state.conversation) { state.conversation.last_seq = state.lastSeq; }
    if (f.sender !== "visitor") { showTheirTyping(null); }
    if (f.sender !== "visitor" && f.seq > state.readSeq) {
      if (visible()) { markRead(); } else { setUnread(state.unread + 1); }
    } else if (f.sender === "visitor" && f.seq > state.readSeq && visible()) {
      markRead();
    }
    scrollDown();
  }

  function dropOutbox(clientId) {
    state.outbox = state.outbox.filter(function (m) { return m.client_id !== clientId; });
    save();
  }

  function renderPending(m) {
    var li = item("visitor", "", m.body);
    li.setAttribute("data-client-id", m.client_id);
    setMeta(li, "Sending\u2026", false);
    log.appendChild(li);
    scrollDown();
  }

  // ------------------------------------------------------------------ composer
  function updateCount() {
    var n = input.value.length;
    countEl.textContent = n + " / " + MAX_BODY;
    countEl.className = "count" + (n >= MAX_BODY ? " over" : "");
    sendBtn.disabled = !input.value.trim() || state.stopped;
  }
  input.addEventListener("input", function () {
    updateCount();
    if (!state.typingSent && input.value) { state.typingSent = true; send({ type: "typing", active: true }); }
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  input.addEventListener("blur", stopTyping);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  composer.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  function stopTyping() {
    clearTimeout(state.typingTimer);
    if (state.typingSent) { state.typingSent = false; send({ type: "typing", active: false }); }
  }

  function submit() {
    var body = input.value;
    if (!body.trim() || state.stopped) { return; }
    if (body.length > MAX_BODY) { setStatus("Messages are limited to " + MAX_BODY + " characters.", true); return; }
    var m = { client_id: newClientId(), body: body };
    state.outbox.push(m);
    save();
    renderPending(m);
    input.value = "";
    updateCount();
    stopTyping();
    if (!send({ type: "send", client_id: m.client_id, body: m.body })) {
      setMeta(findItem("data-client-id", m.client_id), "Not sent yet \u2014 will retry", true);
      start();
    }
  }

  function showTheirTyping(f) {
    clearTimeout(state.theirTypingTimer);
    if (f && f.active) {
      typingEl.textContent = (f.sender === "ai_agent" ? "The AI assistant" : "Support") + " is typing\u2026";
      state.theirTypingTimer = setTimeout(function () { typingEl.textContent = ""; }, TYPING_SHOW_MS);
    } else {
      typingEl.textContent = "";
    }
  }

  // ------------------------------------------------------------------ pre-chat form
  var prechatDone = !PRECHAT || !!state.token;
  function showPrechat(show) {
    pre.hidden = !show;
    log.hidden = composer.hidden = show;
    typingEl.hidden = show;
  }
  pre.addEventListener("submit", function (e) {
    e.preventDefault();
    var email = $("pre-email");
    if (!email.checkValidity()) { prechatError(); return; }
    email.removeAttribute("aria-invalid");
    prechatDone = true;
    showPrechat(false);
    session({ name: $("pre-name").value.trim(), email: $("pre-email").value.trim() });
    input.focus();
  });
  $("skip").addEventListener("click", function () {
    prechatDone = true;
    showPrechat(false);
    session({});
    input.focus();
  });

  function prechatError() {
    var email = $("pre-email");
    email.setAttribute("aria-invalid", "true");
    setStatus("That email address does not look right: check it, or leave it empty.", true);
    email.focus();
  }

  // ------------------------------------------------------------------ session + socket
  var started = false;
  function start() {
    if (started || state.stopped) { return; }
    if (!prechatDone) { showPrechat(true); setStatus("", false); return; }
    started = true;
    session({});
  }

  function stop(text) {
    state.stopped = true;
    setStatus(text, true);
    clearTimeout(state.retryTimer);
    updateCount();
  }

  function session(extra) {
    started = true;
    setStatus("Connecting\u2026", false);
    var payload = { page_url: location.href };
    if (state.token) { payload.token = state.token; }
    if (extra.name) { payload.name = extra.name; }
    if (extra.email) { payload.email = extra.email; }
    if (IDENTITY) { payload.identity = IDENTITY; }
    fetch(API + "/api/v1/widget/" + encodeURIComponent(KEY) + "/session/", {
      method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) { return { status: r.status, body: b }; });
    }).then(function (res) {
      var code = res.body && res.body.error ? res.body.error.code : "";
      if (res.status === 200 || res.status === 201) {
        var b = res.body;
        state.token = b.token;
        state.conversation = b.conversation || null;
        if (b.brand && b.brand.name) { $("title").textContent = b.brand.name; }
        save();
        state.sessionReady = true;
        state.attempt = 0;
        connect();
      } else if (code === "workspace_suspended") {
        stop("Chat is paused right now. Please try again later.");
      } else if (res.status === 404 || res.status === 403 || code === "invalid_identity") {
        // Unknown key, origin not allowed, workspace terminated, or the site signs its users
        // with the wrong secret: retrying cannot help.
        stop("Chat is not available on this site.");
      } else if (res.status === 400 && (extra.name || extra.email)) {
        prechatDone = started = false; // the server refused what they typed: let them fix it
        showPrechat(true);
        prechatError();
      } else if (res.status === 400 && state.token) {
        state.token = ""; // an expired or foreign token: start a fresh visitor
        save();
        session(extra);
      } else {
        retryLater(function () { session(extra); });
      }
    }).catch(function () {
      // No readable answer: either the network is down, or the app answered without CORS
      // because this page's origin is not allowed. An opaque no-cors probe tells them apart.
      fetch(API + "/api/v1/widget/" + encodeURIComponent(KEY) + "/config/", { mode: "no-cors", credentials: "omit" })
        .then(function () { stop("Chat is not available on this site."); })
        .catch(function () { retryLater(function () { session(extra); }); });
    });
  }

  function backoff() {
    // Exponential with full jitter between half and all of the window, capped at 30 s.
    var cap = Math.min(30000, 1000 * Math.pow(2, state.attempt));
    state.attempt += 1;
    return Math.round(cap / 2 + Math.random() * cap / 2);
  }

  function retryLater(fn) {
    var delay = backoff();
    setStatus("Offline \u2014 retrying in " + Math.ceil(delay / 1000) + " s\u2026", true);
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(fn, delay);
  }

  function reconnectNow() { clearTimeout(state.retryTimer); state.attempt = 0; connect(); }

  function send(frame) {
    if (!state.ws || state.ws.readyState !== 1 || !state.ws.ready) { return false; }
    state.ws.send(JSON.stringify(frame));
    return true;
  }

  function connect() {
    if (state.stopped || state.ws) { return; }
    var ws;
    try { ws = new WebSocket(WS); } catch (e) { retryLater(connect); return; }
    state.ws = ws;
    setStatus(state.attempt ? "Reconnecting\u2026" : "Connecting\u2026", false);
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "hello", v: PROTOCOL, token: state.token, last_seq: state.lastSeq }));
    };
    ws.onmessage = function (ev) {
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (!f || typeof f !== "object") { return; }
      handle(ws, f);
    };
    ws.onclose = function (ev) {
      clearInterval(state.pingTimer);
      clearTimeout(ws.pongTimer);
      if (state.ws === ws) { state.ws = null; }
      showTheirTyping(null);
      markPendingUnsent();
      if (state.stopped) { return; }
      if (ev.code === 4401) { state.sessionReady = false; session({}); return; }
      if (ev.code === 4403 && !ws.ready) { stop("Chat is not available on this site."); return; }
      if (ev.code === 4400) { stop("This chat needs a newer version of the page. Please reload."); return; }
      retryLater(connect);
    };
  }

  function markPendingUnsent() {
    state.outbox.forEach(function (m) {
      var li = findItem("data-client-id", m.client_id);
      if (li && !li.getAttribute("data-seq")) { setMeta(li, "Not sent yet \u2014 will retry", true); }
    });
  }

  function handle(ws, f) {
    switch (f.type) {
      case "welcome":
        ws.ready = true;
        state.attempt = 0;
        state.conversation = f.conversation || state.conversation;
        setStatus(state.conversation && state.conversation.status === "resolved" ?
          "This conversation was resolved. Write to us again any time." : "", false);
        updateCount();
        clearInterval(state.pingTimer);
        state.pingTimer = setInterval(function () {
          // No pong within PONG_MS: the connection is half-open; close it and reconnect.
          if (send({ type: "ping" })) { clearTimeout(ws.pongTimer); ws.pongTimer = setTimeout(function () { ws.close(); }, PONG_MS); }
        }, PING_MS);
        // Resend whatever the server has not confirmed; client_id makes a duplicate a no-op.
        state.outbox.forEach(function (m) {
          if (!findItem("data-client-id", m.client_id)) { renderPending(m); }
          setMeta(findItem("data-client-id", m.client_id), "Sending\u2026", false);
          send({ type: "send", client_id: m.client_id, body: m.body });
        });
        markRead();
        break;
      case "pong":
        clearTimeout(ws.pongTimer);
        break;
      case "message":
        onMessage(f);
        break;
      case "sent":
        var li = findItem("data-client-id", f.client_id);
        dropOutbox(f.client_id);
        if (li && !li.getAttribute("data-seq") && typeof f.seq === "number") { setMeta(li, "", false); placeBySeq(li, f.seq); }
        // lastSeq moves with "message" frames only: an earlier message (a reply committed a
        // moment before) may still be on its way, and a reconnect must replay it.
        break;
      case "typing":
        showTheirTyping(f);
        break;
      case "status":
        if (state.conversation) { state.conversation.status = f.status; }
        setStatus(f.status === "resolved" ? "This conversation was resolved. Write to us again any time." : "", false);
        break;
      case "error":
        onError(f);
        break;
    }
  }

  function onError(f) {
    var li = f.ref ? findItem("data-client-id", f.ref) : null;
    if (f.code === "workspace_suspended") {
      stop("Chat is paused right now. Please try again later.");
    } else if (f.code === "not_authenticated") {
      state.token = "";
      save();
    } else if (li && (f.code === "too_long" || f.code === "invalid")) {
      dropOutbox(f.ref);
      setMeta(li, f.code === "too_long" ? "Not sent: messages are limited to " + MAX_BODY + " characters." :
        "Not sent: this message could not be accepted.", true);
    } else if (li && f.code === "rate_limited") {
      var wait = Math.max(1, Number(f.retry_after) || 5);
      setMeta(li, "Too many messages \u2014 retrying in " + wait + " s", true);
      setTimeout(function () {
        var m = state.outbox.filter(function (x) { return x.client_id === f.ref; })[0];
        if (m) { send({ type: "send", client_id: m.client_id, body: m.body }); }
      }, wait * 1000);
    }
  }

  // ------------------------------------------------------------------ boot
  updateCount();
  setUnread(0);
  fetch(API + "/api/v1/widget/" + encodeURIComponent(KEY) + "/config/", { credentials: "omit" })
    .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
    .then(function (res) {
      if (res.ok) { if (res.body.brand) { $("title").textContent = res.body.brand; } return; }
      var code = res.body && res.body.error ? res.body.error.code : "";
      stop(code === "workspace_suspended" ? "Chat is paused right now. Please try again later." : "Chat is not available on this site.");
    })
    .catch(function () { /* the session call reports connectivity */ });
  // A returning visitor (reload, second tab) reconnects at once so replies raise the badge.
  if (state.token) { start(); }
})();
