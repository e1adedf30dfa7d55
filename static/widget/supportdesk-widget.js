/* SupportDesk widget loader: one <script data-widget-key="wk_..."> tag, rendered in a Shadow DOM.
   This first version loads the brand's public configuration and shows its availability state
   (active / suspended / unknown key); the conversation UI arrives with the realtime chat issue. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var key = script.getAttribute("data-widget-key") || "";
  var api = script.getAttribute("data-api") || new URL(script.src).origin;
  var host = document.createElement("div");
  host.setAttribute("data-supportdesk-widget", "");
  document.body.appendChild(host);
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    '<style>:host{all:initial} .bubble{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;' +
    'background:#1d4ed8;color:#fff;border:0;font:600 22px system-ui;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}' +
    '.panel{position:fixed;right:20px;bottom:88px;width:320px;max-width:calc(100vw - 40px);background:#fff;color:#1f2933;' +
    'border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);font:15px/1.4 system-ui;padding:16px} .panel[hidden]{display:none}' +
    'h2{margin:0 0 8px;font-size:17px} .state{margin:0;color:#52606d}</style>' +
    '<div class="panel" id="panel" role="dialog" aria-label="Chat" hidden><h2 id="title">Chat</h2><p class="state" id="state" aria-live="polite">Loading…</p></div>' +
    '<button class="bubble" id="bubble" aria-controls="panel" aria-expanded="false" aria-label="Open chat">?</button>';
  var panel = root.getElementById("panel");
  var bubble = root.getElementById("bubble");
  bubble.addEventListener("click", function () {
    var open = panel.hasAttribute("hidden");
    if (open) { panel.removeAttribute("hidden"); } else { panel.setAttribute("hidden", ""); }
    bubble.setAttribute("aria-expanded", String(open));
  });
  function show(title, text) {
    root.getElementById("title").textContent = title;
    root.getElementById("state").textContent = text;
  }
  fetch(api + "/api/v1/widget/" + encodeURIComponent(key) + "/config/", { credentials: "omit" })
    .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
    .then(function (res) {
      if (res.ok) { show(res.body.brand, "We're here to help."); return; }
      var code = res.body && res.body.error ? res.body.error.code : "";
      show("Chat", code === "workspace_suspended" ? "Chat is unavailable right now." : "Chat is not available on this site.");
    })
    .catch(function () { show("Chat", "Chat could not be reached. Check your connection."); });
})();
