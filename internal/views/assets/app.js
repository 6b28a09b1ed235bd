// The views' script: a small MCP Apps client (JSON-RPC 2.0 over
// postMessage with the host, protocol 2026-01-26) and the two views,
// chosen by <body data-view>. It loads nothing: the sandbox may not.
// The confirmation grant stays in memory: it is never shown, logged or
// written into the page.
(function () {
  "use strict";

  var PROTOCOL = "2026-01-26";
  var OFFER_KEY = "ionos-mcp/confirmation";
  var POLL_MS = 1000;
  var GIVE_UP_MS = 180000;
  var CALL_TIMEOUT_MS = 60000;
  var DECISION_TIMEOUT_MS = 120000;

  // ---- JSON-RPC with the host ----

  var nextId = 1;
  var pending = new Map();
  var handlers = {};
  var tornDown = false;

  function post(msg) {
    window.parent.postMessage(msg, "*");
  }

  function request(method, params, timeoutMs) {
    timeoutMs = timeoutMs || CALL_TIMEOUT_MS;
    var id = nextId++;
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        pending.delete(id);
        var err = new Error("no answer within " + Math.round(timeoutMs / 1000) + " s");
        err.timeout = true;
        reject(err);
      }, timeoutMs);
      pending.set(id, { resolve: resolve, reject: reject, timer: timer });
      post({ jsonrpc: "2.0", id: id, method: method, params: params || {} });
    });
  }

  function notify(method, params) {
    post({ jsonrpc: "2.0", method: method, params: params || {} });
  }

  // Only the host window may talk to the view.
  window.addEventListener("message", function (ev) {
    if (ev.source !== window.parent) return;
    var m = ev.data;
    if (!m || m.jsonrpc !== "2.0") return;
    if (m.method === undefined && m.id !== undefined) {
      var p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.error) {
        var err = new Error(m.error.message || "error " + m.error.code);
        err.code = m.error.code;
        p.reject(err);
      } else {
        p.resolve(m.result);
      }
      return;
    }
    if (typeof m.method !== "string") return;
    if (m.id !== undefined) {
      answerHost(m);
      return;
    }
    var h = handlers[m.method];
    if (h) {
      try { h(m.params || {}); } catch (e) { showCrash(e); }
    }
  });

  function answerHost(m) {
    if (m.method === "ping") {
      post({ jsonrpc: "2.0", id: m.id, result: {} });
    } else if (m.method === "ui/resource-teardown") {
      tornDown = true;
      post({ jsonrpc: "2.0", id: m.id, result: {} });
    } else {
      post({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "method not found: " + m.method } });
    }
  }

  // callTool asks the host to call a server tool. It resolves to the
  // CallToolResult, or rejects with the JSON-RPC error or a timeout.
  function callTool(name, args, timeoutMs) {
    return request("tools/call", { name: name, arguments: args }, timeoutMs || CALL_TIMEOUT_MS);
  }

  // ---- host context: theme and style variables ----

  var hostContext = {};

  function applyHostContext(ctx) {
    var root = document.documentElement;
    if (ctx.theme === "light" || ctx.theme === "dark") {
      root.setAttribute("data-theme", ctx.theme);
      root.style.colorScheme = ctx.theme;
    }
    var vars = ctx.styles && ctx.styles.variables;
    if (vars && typeof vars === "object") {
      Object.keys(vars).forEach(function (k) {
        if (k.indexOf("--") !== 0) return;
        if (typeof vars[k] === "string" && vars[k] !== "") root.style.setProperty(k, vars[k]);
        else root.style.removeProperty(k);
      });
    }
  }

  handlers["ui/notifications/host-context-changed"] = function (params) {
    hostContext = Object.assign({}, hostContext, params);
    applyHostContext(params);
  };

  // ---- size reports, so the host can fit its frame ----

  function watchSize() {
    var lastW = 0, lastH = 0, queued = false;
    function measure() {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () {
        queued = false;
        var root = document.documentElement;
        var before = root.style.height;
        root.style.height = "max-content";
        var h = Math.ceil(root.getBoundingClientRect().height);
        root.style.height = before;
        var w = Math.ceil(window.innerWidth);
        if (w !== lastW || h !== lastH) {
          lastW = w; lastH = h;
          notify("ui/notifications/size-changed", { width: w, height: h });
        }
      });
    }
    measure();
    var ro = new ResizeObserver(measure);
    ro.observe(document.documentElement);
    ro.observe(document.body);
  }

  // ---- small DOM helpers: text only, never HTML from the server ----

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === "class") e.className = v;
        else if (k === "text") e.textContent = v;
        else if (k.indexOf("on") === 0) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  function clear(e) {
    while (e.firstChild) e.removeChild(e.firstChild);
  }

  function badge(text) {
    return el("span", { class: "badge " + String(text).replace(/[^A-Z_]/g, ""), text: text });
  }

  function ramText(mb) {
    if (!mb) return "";
    if (mb % 1024 === 0) return mb / 1024 + " GB RAM";
    return mb + " MB RAM";
  }

  function sizeText(s) {
    var parts = [];
    if (s.type) parts.push(s.type);
    if (s.cores) parts.push(s.cores + (s.cores === 1 ? " core" : " cores"));
    if (s.ram) parts.push(ramText(s.ram));
    return parts.join(" \u00b7 ");
  }

  function errorText(e) {
    if (!e) return "unknown error";
    return e.message || String(e);
  }

  // resultText is a CallToolResult's text content, which carries the
  // error of an isError result.
  function resultText(res) {
    var parts = [];
    ((res && res.content) || []).forEach(function (c) {
      if (c && c.type === "text" && c.text) parts.push(c.text);
    });
    return parts.join("\n");
  }

  // sentence makes a server's error text start like a sentence.
  function sentence(text) {
    if (!text) return text;
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function sleep(ms) {
    return new Promise(function (r) { setTimeout(r, ms); });
  }

  function timeText(d) {
    var opts = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZoneName: "short" };
    if (hostContext.timeZone) opts.timeZone = hostContext.timeZone;
    try {
      return d.toLocaleTimeString(hostContext.locale || undefined, opts);
    } catch (e) {
      return d.toISOString().slice(11, 19) + " UTC";
    }
  }

  function leftText(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    s = s % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  var VERBS = { stop: "Stop", reboot: "Reboot", suspend: "Suspend", start: "Start", resume: "Resume" };
  var DOING = { stop: "stop", reboot: "reboot", suspend: "suspend", start: "start", resume: "resume" };

  function verb(action) {
    return VERBS[action] || (action ? action.charAt(0).toUpperCase() + action.slice(1) : "Run");
  }

  // ---- the action panel: one confirmation, or one start/resume, followed
  // to its end. The confirm view shows one; the inventory opens one per
  // action. ----

  // opts: onFinal(serverId, datacenterId, vmState) when the server reached
  // its new state; onClose to remove the panel (inventory only);
  // onBusy(serverId, busy) while an action on the server is open.
  var panelCount = 0;

  function Panel(opts) {
    this.opts = opts || {};
    this.root = el("section", { class: "panel" });
    this.heading = el("h2", { id: "panel-" + ++panelCount });
    this.root.setAttribute("aria-labelledby", this.heading.id);
    this.body = el("div", { class: "panel-body" });
    this.progress = el("ol", { class: "progress", "aria-label": "Progress" });
    this.outcome = el("p", { class: "outcome" });
    this.live = el("div", { role: "status", "aria-live": "polite", "aria-atomic": "false" }, [this.progress, this.outcome]);
    this.head = el("div", { class: "panel-head" }, [this.heading]);
    this.root.appendChild(this.head);
    this.root.appendChild(this.body);
    this.root.appendChild(this.live);
    this.lastLine = "";
    this.timers = [];
    this.decided = false;
    this.finished = false;
  }

  Panel.prototype.line = function (text, isErr) {
    if (text === this.lastLine) return;
    this.lastLine = text;
    this.progress.appendChild(el("li", { class: isErr ? "err" : "", text: text }));
  };

  Panel.prototype.finish = function (kind, text, detail) {
    this.finished = true;
    this.timers.forEach(clearInterval);
    this.timers = [];
    clear(this.outcome);
    this.outcome.className = "outcome " + kind;
    this.outcome.appendChild(document.createTextNode(text));
    if (detail) this.outcome.appendChild(el("span", { class: "detail", text: " " + detail }));
    this.root.setAttribute("data-outcome", kind);
    if (this.serverId && this.opts.onBusy) this.opts.onBusy(this.serverId, false);
    this.addClose();
  };

  Panel.prototype.addClose = function () {
    if (!this.opts.onClose || this.closeBtn) return;
    var self = this;
    this.closeBtn = el("button", { class: "btn small", type: "button", text: "Close", "aria-label": "Close this panel", onclick: function () { self.opts.onClose(self); } });
    this.head.appendChild(this.closeBtn);
  };

  // show renders a destructive tool's result: an offer to confirm, or the
  // result's own message or error.
  Panel.prototype.show = function (res, what) {
    clear(this.body);
    var offer = res && res._meta && res._meta[OFFER_KEY];
    var sc = (res && res.structuredContent) || {};
    if (res && res.isError) {
      this.heading.textContent = what ? what + " did not run" : "The tool failed";
      this.finish("err", sentence(resultText(res)) || "The tool returned an error without text.");
      return;
    }
    if (offer && offer.kind === "set" && offer.grant) {
      this.setOffer(offer);
      return;
    }
    if (offer && offer.grant && offer.serverId) {
      this.offer(offer, sc.server || {});
      return;
    }
    if (Array.isArray(sc.servers) && sc.counts) {
      this.setResult(sc);
      return;
    }
    this.heading.textContent = sc.server && sc.server.name ? verb(sc.action) + " " + sc.server.name : (what || "Result");
    var msg = sc.message || resultText(res) || "The tool returned no message.";
    var kind = sc.status === "FAILED" ? "err" : sc.status === "DONE" || sc.status === "NO_CHANGE" ? "ok" : "info";
    this.finish(kind, msg);
  };

  Panel.prototype.offer = function (offer, server) {
    var name = offer.serverName || server.name || offer.serverId;
    var action = offer.action;
    this.serverId = offer.serverId;
    this.datacenterId = offer.datacenterId;
    this.name = name;
    this.target = offer.target;
    if (this.opts.onBusy) this.opts.onBusy(offer.serverId, true);
    this.root.classList.add("danger-edge");
    this.heading.textContent = verb(action) + " " + name + "?";

    var facts = el("dl", { class: "facts" });
    function fact(label, value) {
      if (value === undefined || value === null || value === "") return;
      facts.appendChild(el("dt", { text: label }));
      facts.appendChild(el("dd", {}, [value]));
    }
    fact("Server", name);
    fact("Size", sizeText(server));
    fact("Data center", offer.datacenterName || server.datacenterName);
    if (server.vmState) {
      var now = el("span", {}, [badge(server.vmState)]);
      if (server.state === "BUSY") now.appendChild(document.createTextNode(" "));
      if (server.state === "BUSY") now.appendChild(badge("BUSY"));
      fact("Now", now);
    }
    if (offer.target) fact("Afterwards", badge(offer.target));
    this.body.appendChild(facts);
    if (!server.name && offer.summary) this.body.appendChild(el("p", { text: offer.summary }));
    if (offer.consequences) {
      this.body.appendChild(el("p", { class: "consequences" }, [el("strong", { text: "What happens: " }), offer.consequences]));
    }
    this.ask(offer, verb(action) + " " + name);
  };

  // ask adds the offer's expiry and its two buttons, and gives the focus to
  // Cancel.
  Panel.prototype.ask = function (offer, acceptText) {
    var self = this;
    var expires = offer.expires ? new Date(offer.expires) : null;
    if (expires && isNaN(expires.getTime())) expires = null;
    var exp = el("p", { class: "expires" });
    this.expLine = exp;
    this.body.appendChild(exp);

    this.cancelBtn = el("button", { class: "btn", type: "button", text: "Cancel", onclick: function () { self.decide("decline", offer); } });
    this.acceptBtn = el("button", { class: "btn danger", type: "button", text: acceptText, onclick: function () { self.decide("accept", offer); } });
    this.body.appendChild(el("div", { class: "buttons" }, [this.cancelBtn, this.acceptBtn]));

    if (expires) {
      var tick = function () {
        if (self.decided) return;
        var left = expires.getTime() - Date.now();
        if (left <= 0) {
          self.expired(offer, expires, exp);
          return;
        }
        exp.textContent = "This offer expires at " + timeText(expires) + " (in " + leftText(left) + ").";
      };
      tick();
      if (!this.finished) this.timers.push(setInterval(tick, 1000));
    } else {
      exp.textContent = "The server gave no expiry time for this offer.";
    }
    // The safe choice has the focus, now if the view has it, else when
    // the person enters the view.
    if (!this.finished) {
      this.cancelBtn.focus({ preventScroll: true });
      var cancel = this.cancelBtn;
      window.addEventListener("focus", function () {
        var a = document.activeElement;
        if (!self.decided && (!a || a === document.body)) cancel.focus({ preventScroll: true });
      });
    }
  };

  Panel.prototype.expired = function (offer, expires, exp) {
    this.decided = true;
    this.acceptBtn.disabled = true;
    this.cancelBtn.disabled = true;
    exp.textContent = "This offer expired at " + timeText(expires) + ".";
    exp.classList.add("gone");
    this.finish("wait", "This confirmation expired. Nothing was changed.",
      "Ask the assistant again if you still want to " + DOING[offer.action] + " " + this.name + ".");
  };

  Panel.prototype.decide = function (decision, offer) {
    if (this.decided) return;
    this.decided = true;
    this.timers.forEach(clearInterval);
    this.timers = [];
    // The countdown means nothing once decided.
    this.expLine.textContent = "";
    this.acceptBtn.disabled = true;
    this.cancelBtn.disabled = true;
    // A disabled button loses the focus; the panel keeps it, so the
    // keyboard stays in place and the progress is read next.
    this.root.setAttribute("tabindex", "-1");
    this.root.focus({ preventScroll: true });
    this.root.setAttribute("aria-busy", "true");
    var self = this;
    var set = offer.kind === "set";
    var tool = set ? "apply_set_decision" : "apply_power_decision";
    var args = set ? { grant: offer.grant, plan: offer.plan, action: offer.action, decision: decision } :
      { grant: offer.grant, action: offer.action, server: offer.serverId, datacenter: offer.datacenterId, decision: decision };
    if (decision === "decline") {
      this.line("Declining\u2026");
      callTool(tool, args, CALL_TIMEOUT_MS).then(function (res) {
        self.root.removeAttribute("aria-busy");
        if (res && res.isError) {
          self.finish("info", "Declined. Nothing was changed.", "The server answered: " + (resultText(res) || "an error without text"));
          return;
        }
        self.finish("info", "Declined. Nothing was changed.");
      }, function (e) {
        self.root.removeAttribute("aria-busy");
        self.finish("info", "Declined. Nothing was changed.", "The server could not be told (" + errorText(e) + "); the offer lapses on its own.");
      });
      return;
    }
    if (set) {
      this.runSet(args, offer);
      return;
    }
    this.line("Accepted. Sending the " + DOING[offer.action] + " of " + this.name + "\u2026");
    var started = Date.now();
    callTool("apply_power_decision", args, DECISION_TIMEOUT_MS).then(function (res) {
      self.afterSend(res, started);
    }, function (e) {
      self.root.removeAttribute("aria-busy");
      if (e.timeout) {
        self.finish("wait", "No answer from the server (" + errorText(e) + ").",
          "The " + DOING[offer.action] + " may still run: ask the assistant to check " + self.name + ".");
      } else {
        self.finish("err", "The " + DOING[offer.action] + " was not sent: " + errorText(e));
      }
    });
  };

  // start runs a start or resume from the inventory: no confirmation, the
  // request is followed the same way.
  Panel.prototype.start = function (tool, action, server, dc) {
    var self = this;
    this.serverId = server.id;
    this.datacenterId = dc.id;
    this.name = server.name;
    this.target = "RUNNING";
    this.decided = true;
    if (this.opts.onBusy) this.opts.onBusy(server.id, true);
    this.heading.textContent = verb(action) + " " + server.name;
    this.body.appendChild(el("dl", { class: "facts" }, [
      el("dt", { text: "Data center" }), el("dd", { text: dc.name }),
      el("dt", { text: "Size" }), el("dd", { text: sizeText(server) }),
    ]));
    this.line("Sending the " + DOING[action] + " of " + server.name + "\u2026");
    var started = Date.now();
    callTool(tool, { server: server.id, datacenter: dc.id, wait: false }, DECISION_TIMEOUT_MS).then(function (res) {
      self.afterSend(res, started);
    }, function (e) {
      self.finish("err", "The " + DOING[action] + " was not sent: " + errorText(e));
    });
  };

  // afterSend reads the write's result and follows its request.
  Panel.prototype.afterSend = function (res, started) {
    this.root.removeAttribute("aria-busy");
    if (res && res.isError) {
      this.finish("err", sentence(resultText(res)) || "The server returned an error without text.");
      return;
    }
    var sc = (res && res.structuredContent) || {};
    if (sc.server && sc.server.name) this.name = sc.server.name;
    switch (sc.status) {
      case "QUEUED":
      case "RUNNING":
      case "DONE":
        if (!sc.requestId && sc.status !== "DONE") break;
        if (sc.requestId) this.requestId = sc.requestId;
        this.follow(sc, started);
        return;
      case "FAILED":
        this.requestFailed(sc.message);
        return;
      case "NO_CHANGE":
        this.finish("ok", sc.message || this.name + " is already " + (this.target || "there") + ".");
        if (sc.server && sc.server.vmState) this.reached(sc.server.vmState);
        return;
    }
    this.finish("info", sc.message || resultText(res) || "The server answered " + (sc.status || "without a status") + ".");
  };

  Panel.prototype.requestFailed = function (message) {
    var m = message || "no message from the API";
    if (!/[.!?]$/.test(m)) m += ".";
    this.finish("err", "The request failed: " + m,
      this.name + " was not changed.");
  };

  Panel.prototype.reached = function (vmState) {
    if (this.opts.onFinal) this.opts.onFinal(this.serverId, this.datacenterId, vmState);
  };

  // follow polls the request until DONE or FAILED, then the server until it
  // reaches its target vmState, showing each new status once.
  Panel.prototype.follow = async function (sc, started) {
    var self = this;
    var id = this.requestId;
    var deadline = started + GIVE_UP_MS;
    var status = sc.status;
    var lastVM = "";
    if (id) this.line("Request " + id.slice(0, 8) + ": " + status);
    function giveUp() {
      self.finish("wait", "Still running: request " + (id || "(no id)") + ".",
        "Follow it with get_request_status, or ask the assistant to check " + self.name + ".");
    }
    while (id && status !== "DONE" && status !== "FAILED") {
      if (tornDown) return;
      if (Date.now() > deadline) { giveUp(); return; }
      await sleep(POLL_MS);
      try {
        var res = await callTool("get_request_status", { request_id: id, wait: false });
        if (res && res.isError) {
          this.line("Could not read the request: " + resultText(res), true);
          continue;
        }
        var st = (res && res.structuredContent) || {};
        if (st.status) {
          status = st.status;
          this.line("Request " + id.slice(0, 8) + ": " + status);
        }
        if (status === "FAILED") { this.requestFailed(st.message); return; }
      } catch (e) {
        this.line("Could not read the request: " + errorText(e), true);
      }
    }
    // The write's own answer tells the server's state only when it came
    // back DONE; after polling, the server is read afresh.
    var server = sc.server || {};
    if (sc.status === "DONE" && server.vmState) lastVM = server.vmState;
    while (true) {
      if (tornDown) return;
      if (lastVM && lastVM === this.target) break;
      if (Date.now() > deadline) { giveUp(); return; }
      await sleep(POLL_MS);
      try {
        var r = await callTool("get_server", { server: this.serverId, datacenter: this.datacenterId });
        if (r && r.isError) {
          this.line("Could not read " + this.name + ": " + resultText(r), true);
          continue;
        }
        var s = (r && r.structuredContent && r.structuredContent.server) || {};
        if (s.vmState) {
          lastVM = s.vmState;
          this.line(this.name + " reports " + s.vmState + (s.state === "BUSY" ? " (BUSY)" : ""));
        }
      } catch (e) {
        this.line("Could not read " + this.name + ": " + errorText(e), true);
      }
    }
    this.finish("ok", this.name + " is " + this.target);
    this.reached(this.target);
  };

  // ---- a set: one decision on a planned set of servers (power_servers).
  // The server runs the whole set and follows it to the end within the one
  // call of apply_set_decision, so the view shows the plan, waits, and then
  // shows each server's result; it polls nothing itself. ----

  // The server bounds a set's run decided here at 50 s (hosts cut a view's
  // call at 60 s) and reads the servers again before it; the view waits
  // longer, so that the server's own answer arrives rather than a timeout
  // of the view.
  var SET_TIMEOUT_MS = 70000;

  // The servers that act come first, then those left alone.
  var PLAN_RANK = { ACT: 0, NO_CHANGE: 1, REFUSED: 2 };
  var PLAN_TEXT = { NO_CHANGE: "No change", REFUSED: "Refused" };

  // A set's status: the kind of the outcome and its first words.
  var SET_OUTCOME = {
    DONE: ["ok", "Done."],
    PARTIAL: ["wait", "Partly done."],
    FAILED: ["err", "Failed."],
    NOT_SENT: ["info", "Nothing was sent."],
    RUNNING: ["wait", "Still running."],
    NO_CHANGE: ["ok", "Nothing to do."],
    PLANNED: ["info", "Only a plan: nothing was sent."],
    DECLINED: ["info", "Declined. Nothing was changed."],
  };

  function counted(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  // token keeps a status usable as a class name.
  function token(s) {
    return String(s || "").replace(/[^A-Z_]/g, "");
  }

  // SetTable is the servers of a set, one row each, in a box that scrolls
  // on its own: a narrow frame scrolls the table sideways, never the page,
  // and 200 rows keep the buttons in view. A server's reason, request and
  // message go on a line of their own under its row, as wide as the table,
  // so that long texts do not widen a column.
  function SetTable(action, items) {
    var self = this;
    this.rows = new Map();
    this.table = el("table", { class: "set-table" });
    // The plan comes before the state: at 320 px it is what shows first.
    var cols = ["Server", "Plan", "State", "Result"];
    this.width = cols.length;
    this.table.appendChild(el("thead", {}, [el("tr", {}, cols.map(function (h, i) {
      return el("th", { scope: "col", class: i === cols.length - 1 ? "col-result" : "", text: h });
    }))]));
    this.body = el("tbody");
    items.map(function (it, i) { return { it: it, i: i }; }).sort(function (a, b) {
      return rank(a.it) - rank(b.it) || a.i - b.i;
    }).forEach(function (x) { self.row(action, x.it); });
    this.table.appendChild(this.body);
    // The box takes the keyboard, so that it can be scrolled without a mouse.
    this.root = el("div", { class: "table-wrap", role: "region", tabindex: "0", "aria-label": "The servers of the plan" }, [this.table]);
  }

  function rank(it) {
    var r = PLAN_RANK[it.plan];
    return r === undefined ? 3 : r;
  }

  SetTable.prototype.row = function (action, it) {
    var plan = PLAN_RANK[it.plan] === undefined ? "UNKNOWN" : it.plan;
    var mark = plan === "ACT" ? "act" : "left-alone";
    var where = el("div", { class: "meta" }, [el("span", { class: "set-dc", text: it.datacenter || "" })]);
    if (it.type) where.appendChild(document.createTextNode(" \u00b7 "));
    if (it.type) where.appendChild(el("span", { class: "set-type", text: it.type }));
    var state = el("td", {}, [it.vmState ? badge(it.vmState) : "?"]);
    var result = el("td", { class: "col-result" });
    var tr = el("tr", { class: "row " + mark, "data-server": it.server, "data-plan": plan }, [
      el("th", { scope: "row" }, [el("div", { class: "name", text: it.server || it.serverId || "?" }), where]),
      el("td", {}, [el("span", { class: "badge plan-" + plan, text: plan === "ACT" ? verb(action) : PLAN_TEXT[plan] || String(it.plan || "?") })]),
      state,
      result,
    ]);
    var r = { tr: tr, state: state, result: result, plan: plan, mark: mark, detail: null };
    this.body.appendChild(tr);
    this.rows.set(it.serverId, r);
    if (it.reason) this.detail(r, [el("div", { class: "why reason", text: it.reason })]);
  };

  // detail sets the line under a server's row, or removes it when empty.
  SetTable.prototype.detail = function (r, nodes) {
    if (!nodes.length) {
      if (r.detail) this.body.removeChild(r.detail);
      r.detail = null;
      r.tr.classList.remove("has-detail");
      return;
    }
    var box = el("div", { class: "detail-text" }, nodes);
    if (!r.detail) {
      r.detail = el("tr", { class: "detail " + r.mark }, [el("td", { colspan: String(this.width) })]);
      this.body.insertBefore(r.detail, r.tr.nextSibling);
      r.tr.classList.add("has-detail");
    }
    clear(r.detail.firstChild);
    r.detail.firstChild.appendChild(box);
  };

  // pending marks the servers that act while the set runs, or unmarks them
  // when the run did not report.
  SetTable.prototype.pending = function (on) {
    this.rows.forEach(function (r) {
      if (r.plan !== "ACT") return;
      clear(r.result);
      if (on) r.result.appendChild(el("span", { class: "badge st-PENDING", text: "Running\u2026" }));
    });
    this.table.classList.toggle("has-results", on);
  };

  // results fills in how each server ended, and its state as last seen.
  SetTable.prototype.results = function (servers) {
    var self = this;
    var any = false;
    (servers || []).forEach(function (it) {
      var r = self.rows.get(it.serverId);
      if (!r) return;
      clear(r.result);
      if (it.vmState) {
        clear(r.state);
        r.state.appendChild(badge(it.vmState));
      }
      if (!it.status) return;
      any = true;
      r.tr.setAttribute("data-status", token(it.status));
      r.result.appendChild(el("span", { class: "badge st-" + token(it.status), text: it.status }));
      var nodes = [];
      if (it.reason) nodes.push(el("div", { class: "why reason", text: it.reason }));
      if (it.requestId) nodes.push(el("div", { class: "rid" }, ["Request ", el("span", { class: "mono", text: it.requestId })]));
      if (it.message) nodes.push(el("div", { class: "why message", text: it.message }));
      self.detail(r, nodes);
    });
    this.table.classList.toggle("has-results", any);
  };

  // setCounts adds the plan's headline and its counts.
  Panel.prototype.setCounts = function (headline, c, action, target) {
    if (headline) this.body.appendChild(el("p", { class: "summary", text: headline }));
    var list = el("ul", { class: "set-counts", "aria-label": "Counts" });
    function item(n, what) {
      if (!n && what !== "selected") return;
      list.appendChild(el("li", {}, [el("strong", { text: String(n || 0) }), " " + what]));
    }
    item(c.selected, "selected");
    item(c.act, "to " + (DOING[action] || action || "act on"));
    item(c.noChange, "no change");
    item(c.refused, "refused");
    if (target) list.appendChild(el("li", {}, ["afterwards ", badge(target)]));
    this.body.appendChild(list);
  };

  // billingLine says what the set changes on the bill.
  function billingLine(b) {
    if (!b || !b.change) return null;
    var size = [];
    if (b.cores) size.push(counted(b.cores, "core", "cores"));
    if (b.ramMb) size.push(ramText(b.ramMb));
    var p = el("p", { class: "billing" }, [el("strong", { text: "Billing: " }), b.change + (size.length ? " (" + size.join(" \u00b7 ") + ")" : "") + "."]);
    if (b.staysBilled) p.appendChild(document.createTextNode(" Stays billed: " + b.staysBilled + "."));
    return p;
  }

  Panel.prototype.setOffer = function (offer) {
    var c = offer.counts || {};
    var what = counted(c.act || 0, "server", "servers");
    // expired() ends with "if you still want to stop these 3 servers".
    this.name = c.act === 1 ? "this server" : "these " + what;
    this.target = offer.target;
    this.root.classList.add("danger-edge", "set");
    this.heading.textContent = verb(offer.action) + " " + what + "?";
    this.setCounts(offer.summary, c, offer.action, offer.target);
    this.table = new SetTable(offer.action, offer.servers || []);
    this.body.appendChild(this.table.root);
    if (offer.oneAtATime) {
      this.body.appendChild(el("p", { class: "muted", text: "One at a time: each server reaches " + (offer.target || "its new state") +
        " before the next is sent; the first failure stops the rest." }));
    }
    if (offer.consequences) {
      this.body.appendChild(el("p", { class: "consequences" }, [el("strong", { text: "What happens: " }), offer.consequences]));
    }
    var bill = billingLine(offer.billing);
    if (bill) this.body.appendChild(bill);
    this.ask(offer, verb(offer.action) + " " + what);
  };

  // runSet sends the accepted set and shows, while the one call lasts,
  // that it runs and for how long.
  Panel.prototype.runSet = function (args, offer) {
    var self = this;
    var what = counted((offer.counts && offer.counts.act) || 0, "server", "servers");
    var doing = DOING[offer.action] || offer.action;
    this.line("Accepted. Sending the " + doing + " of " + what + "; the server follows each to " + (offer.target || "its new state") + "\u2026");
    this.table.pending(true);
    var started = Date.now();
    // Not in the live region: a count of seconds would be read out each second.
    var elapsed = el("p", { class: "elapsed" });
    this.body.appendChild(elapsed);
    var tick = function () {
      elapsed.textContent = "Running for " + Math.round((Date.now() - started) / 1000) + " s\u2026";
    };
    tick();
    this.timers.push(setInterval(tick, 1000));
    callTool("apply_set_decision", args, SET_TIMEOUT_MS).then(function (res) {
      self.root.removeAttribute("aria-busy");
      elapsed.textContent = "";
      if (res && res.isError) {
        self.table.pending(false);
        self.finish("err", sentence(resultText(res)) || "The server returned an error without text.");
        return;
      }
      self.setDone((res && res.structuredContent) || {}, res);
    }, function (e) {
      // Once the call is out, the server runs the set whatever happens to
      // its answer: a lost answer does not mean that nothing was sent.
      self.root.removeAttribute("aria-busy");
      elapsed.textContent = "";
      self.table.pending(false);
      self.finish("wait", "No result from the server: " + errorText(e) + ".",
        "The " + doing + " may have run on some or all of these servers: ask the assistant to check them.");
    });
  };

  // setDone shows how the set ended, overall and per server.
  Panel.prototype.setDone = function (sc, res) {
    this.table.results(sc.servers);
    var o = SET_OUTCOME[sc.status] || ["info", sc.status ? "The server answered " + sc.status + "." : "The server answered without a status."];
    this.finish(o[0], o[1], sc.message || resultText(res));
  };

  // setResult shows a set's result that asks nobody: a dry run, nothing to
  // do, or a start or resume that ran at once.
  Panel.prototype.setResult = function (sc) {
    var c = sc.counts || {};
    this.root.classList.add("set");
    this.heading.textContent = verb(sc.action) + " " + counted(c.act || 0, "server", "servers");
    this.setCounts("", c, sc.action, "");
    this.table = new SetTable(sc.action, sc.servers);
    this.body.appendChild(this.table.root);
    this.setDone(sc, null);
  };

  // ---- the confirm view ----

  function confirmView(app) {
    var panel = new Panel({});
    var waiting = el("p", { class: "muted", role: "status", text: "Waiting for the tool\u2019s result\u2026" });
    app.appendChild(waiting);
    handlers["ui/notifications/tool-input"] = function (params) {
      var a = params.arguments || {};
      if (a.server && waiting.parentNode) waiting.textContent = "Asking the server about " + a.server + "\u2026";
      else if (a.action && waiting.parentNode) waiting.textContent = "Asking the server to plan the " + (DOING[a.action] || a.action) + " of the selected servers\u2026";
    };
    handlers["ui/notifications/tool-result"] = function (res) {
      if (waiting.parentNode) app.removeChild(waiting);
      if (panel.decided && !panel.finished) return; // one decision per view
      clear(app);
      panel = new Panel({});
      app.appendChild(panel.root);
      panel.show(res, "The action");
    };
    handlers["ui/notifications/tool-cancelled"] = function (params) {
      waiting.textContent = "The call was cancelled" + (params.reason ? ": " + params.reason : "") + ". Nothing was changed.";
    };
  }

  // ---- the inventory view ----

  var ACTIONS = {
    ENTERPRISE: { RUNNING: ["stop", "reboot"], SHUTOFF: ["start"] },
    VCPU: { RUNNING: ["stop", "reboot"], SHUTOFF: ["start"] },
    CUBE: { RUNNING: ["suspend", "reboot"], SUSPENDED: ["resume"] },
    GPU: { RUNNING: ["suspend", "reboot"], SUSPENDED: ["resume"] },
  };
  var TOOLS = { stop: "stop_server", reboot: "reboot_server", suspend: "suspend_server", start: "start_server", resume: "resume_server" };
  var CONFIRMED = { stop: true, reboot: true, suspend: true };

  function inventoryView(app) {
    var args = {};
    var dcs = []; // [{id,name,location,serverCount,vmStates,servers:[]}]
    var meta = { total: 0, datacenterTotal: 0, next: "", note: "" };
    var busy = new Set();
    var openPanels = [];

    var filter = el("input", { id: "filter", type: "search", autocomplete: "off", spellcheck: "false",
      placeholder: "name, type, state or data center", "aria-describedby": "shown" });
    var counts = el("p", { class: "muted" });
    var shown = el("p", { id: "shown", class: "shown", role: "status", "aria-live": "polite" });
    var panels = el("div", { class: "panels" });
    var list = el("div", { class: "dcs" });
    var more = el("div", { class: "more" });
    var note = el("p", { class: "note" });
    var loading = false;

    app.appendChild(el("header", { class: "inv-head" }, [el("h1", { text: "Servers" }), counts]));
    app.appendChild(el("div", { class: "toolbar" }, [el("label", { for: "filter", text: "Filter" }), filter]));
    app.appendChild(panels);
    app.appendChild(shown);
    app.appendChild(list);
    app.appendChild(more);
    app.appendChild(note);
    shown.textContent = "Waiting for the list of servers\u2026";
    filter.addEventListener("input", render);

    function merge(page, append) {
      if (!append) dcs = [];
      (page.datacenters || []).forEach(function (d) {
        var have = dcs.find(function (x) { return x.id === d.id; });
        if (!have) {
          have = { id: d.id, name: d.name, location: d.location, serverCount: d.serverCount, vmStates: d.vmStates, servers: [] };
          dcs.push(have);
        }
        if (d.vmStates) have.vmStates = d.vmStates;
        (d.servers || []).forEach(function (s) {
          var i = have.servers.findIndex(function (x) { return x.id === s.id; });
          if (i >= 0) have.servers[i] = s; else have.servers.push(s);
        });
      });
      if (!append || page.total !== undefined) meta.total = page.total;
      if (!append || page.datacenterTotal !== undefined) meta.datacenterTotal = page.datacenterTotal;
      meta.next = page.next || "";
      meta.note = page.note || "";
    }

    function matches(q, s, d) {
      if (!q) return true;
      var hay = [s.name, s.type, s.vmState, s.state, d.name, d.location].join(" ").toLowerCase();
      return q.split(/\s+/).every(function (w) { return hay.indexOf(w) >= 0; });
    }

    function stateCounts() {
      var by = {};
      dcs.forEach(function (d) {
        var vs = d.vmStates;
        if (!vs) {
          vs = {};
          d.servers.forEach(function (s) { vs[s.vmState] = (vs[s.vmState] || 0) + 1; });
        }
        Object.keys(vs).forEach(function (k) { by[k] = (by[k] || 0) + vs[k]; });
      });
      return Object.keys(by).sort().map(function (k) { return by[k] + " " + k; }).join(" \u00b7 ");
    }

    function render() {
      var q = filter.value.trim().toLowerCase();
      var loaded = 0, visible = 0;
      clear(list);
      dcs.forEach(function (d) {
        var rows = el("ul", { class: "servers" });
        var n = 0;
        d.servers.forEach(function (s) {
          loaded++;
          if (!matches(q, s, d)) return;
          n++;
          rows.appendChild(row(s, d));
        });
        visible += n;
        if (q && n === 0) return;
        var head = el("div", { class: "dc-head" }, [
          el("h2", { text: d.name }),
          el("span", { class: "muted", text: [d.location, d.serverCount + (d.serverCount === 1 ? " server" : " servers")].filter(Boolean).join(" \u00b7 ") }),
        ]);
        var sec = el("section", { class: "dc", "aria-label": "Data center " + d.name }, [head]);
        if (d.servers.length === 0) sec.appendChild(el("p", { class: "empty", text: "No servers." }));
        else sec.appendChild(rows);
        list.appendChild(sec);
      });
      counts.textContent = meta.total + (meta.total === 1 ? " server" : " servers") + " in " + meta.datacenterTotal +
        (meta.datacenterTotal === 1 ? " data center" : " data centers") + (meta.total ? " \u00b7 " + stateCounts() : "");
      var text = q ? "Showing " + visible + " of " + loaded + " loaded servers." :
        loaded < meta.total ? "Showing " + loaded + " of " + meta.total + " servers." : "Showing all " + loaded + " servers.";
      shown.textContent = text;
      clear(more);
      if (meta.next) {
        more.appendChild(el("button", { class: "btn", type: "button", text: loading ? "Loading\u2026" : "Load more", disabled: loading, onclick: loadMore }));
        more.appendChild(el("span", { class: "muted", text: (meta.total - loaded) + " more on the server" }));
      }
      note.textContent = meta.note;
    }

    function row(s, d) {
      var state = el("div", { class: "server-state" }, [badge(s.vmState || "UNKNOWN")]);
      if (s.state === "BUSY") state.appendChild(badge("BUSY"));
      var actions = el("div", { class: "server-actions" });
      var allowed = s.state === "BUSY" ? [] : ((ACTIONS[s.type] || {})[s.vmState] || []);
      allowed.forEach(function (a) {
        actions.appendChild(el("button", {
          class: "btn small", type: "button", text: verb(a),
          "aria-label": verb(a) + " " + s.name, disabled: busy.has(s.id),
          onclick: function () { act(a, s, d); },
        }));
      });
      return el("li", { class: "server", "data-server": s.name }, [
        el("div", {}, [el("div", { class: "server-name", text: s.name }), el("div", { class: "server-meta", text: sizeText(s) })]),
        state, actions,
      ]);
    }

    function addPanel() {
      var p = new Panel({
        onBusy: function (id, on) {
          if (on) busy.add(id); else busy.delete(id);
          render();
        },
        onFinal: function (serverId, dcId, vmState) {
          dcs.forEach(function (d) {
            if (d.id !== dcId) return;
            d.servers.forEach(function (s) {
              if (s.id !== serverId) return;
              if (d.vmStates && s.vmState !== vmState) {
                d.vmStates[s.vmState] = Math.max(0, (d.vmStates[s.vmState] || 0) - 1);
                if (!d.vmStates[s.vmState]) delete d.vmStates[s.vmState];
                d.vmStates[vmState] = (d.vmStates[vmState] || 0) + 1;
              }
              s.vmState = vmState;
              s.state = "AVAILABLE";
            });
          });
          render();
        },
        onClose: function (panel) {
          if (panel.root.parentNode) panels.removeChild(panel.root);
          openPanels = openPanels.filter(function (x) { return x !== panel; });
          filter.focus();
        },
      });
      openPanels.push(p);
      panels.insertBefore(p.root, panels.firstChild);
      return p;
    }

    function act(a, s, d) {
      if (busy.has(s.id)) return;
      var p = addPanel();
      if (!CONFIRMED[a]) {
        p.start(TOOLS[a], a, s, d);
        p.root.scrollIntoView({ block: "nearest" });
        return;
      }
      busy.add(s.id);
      render();
      p.heading.textContent = verb(a) + " " + s.name;
      p.line("Asking the server to prepare the " + DOING[a] + " of " + s.name + "\u2026");
      p.root.scrollIntoView({ block: "nearest" });
      callTool(TOOLS[a], { server: s.id, datacenter: d.id }).then(function (res) {
        clear(p.progress);
        p.lastLine = "";
        busy.delete(s.id);
        p.show(res, verb(a) + " " + s.name);
        if (!p.serverId) render();
      }, function (e) {
        busy.delete(s.id);
        p.finish("err", verb(a) + " " + s.name + " could not be prepared: " + errorText(e));
        render();
      });
    }

    function loadMore() {
      if (loading || !meta.next) return;
      loading = true;
      render();
      var a = Object.assign({}, args, { cursor: meta.next });
      callTool("list_servers", a).then(function (res) {
        loading = false;
        if (res && res.isError) {
          note.textContent = "";
          render();
          note.textContent = "Could not load more: " + resultText(res);
          return;
        }
        merge((res && res.structuredContent) || {}, true);
        render();
      }, function (e) {
        loading = false;
        render();
        note.textContent = "Could not load more: " + errorText(e);
      });
    }

    handlers["ui/notifications/tool-input"] = function (params) {
      args = Object.assign({}, params.arguments || {});
      delete args.cursor;
      delete args.offset;
    };
    handlers["ui/notifications/tool-result"] = function (res) {
      if (res && res.isError) {
        shown.textContent = "";
        note.textContent = "list_servers failed: " + (resultText(res) || "no error text");
        note.className = "note outcome err";
        return;
      }
      merge((res && res.structuredContent) || {}, false);
      render();
    };
    handlers["ui/notifications/tool-cancelled"] = function (params) {
      shown.textContent = "The listing was cancelled" + (params.reason ? ": " + params.reason : "") + ".";
    };
  }

  function showCrash(e) {
    var app = document.getElementById("app");
    if (app) app.appendChild(el("p", { class: "outcome err", role: "alert", text: "The view failed: " + errorText(e) }));
  }

  // ---- start ----

  var app = document.getElementById("app");
  var kind = document.body.getAttribute("data-view");
  if (kind === "inventory") inventoryView(app); else confirmView(app);

  request("ui/initialize", {
    appInfo: { name: "ionos-mcp views", version: "1" },
    appCapabilities: {},
    protocolVersion: PROTOCOL,
  }, 30000).then(function (res) {
    hostContext = (res && res.hostContext) || {};
    applyHostContext(hostContext);
    notify("ui/notifications/initialized", {});
    watchSize();
  }, function (e) {
    app.appendChild(el("p", { class: "outcome err", role: "alert", text: "The host did not answer: " + errorText(e) }));
  });
})();
