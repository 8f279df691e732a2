/* The course page's player (lesson/course/static/player.js): the lesson list, chapters and transcript that seek,
   the current sentence highlighted, keyboard control, and what a learning platform is told (SCORM 1.2 or cmi5).
   A file of the project's own: no library, nothing fetched at run time but the platform's own calls. */
(function () {
  "use strict";

  var config = {};
  try { config = JSON.parse(document.body.getAttribute("data-config") || "{}"); } catch (e) { config = {}; }
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.lesson"));
  var links = Array.prototype.slice.call(document.querySelectorAll("a.lesson-link"));
  var COMPLETE = 0.9; // watched at least this share of a lesson: completed (seeking does not count as watching)
  var STEP = 5; // seconds a key moves

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function shown() { for (var i = 0; i < sections.length; i++) { if (!sections[i].hidden) return sections[i]; } return null; }

  /* ---- watched time: the parts of the video played at its own pace, merged; a seek is never counted ---- */
  function Watched(video) {
    var spans = [], last = null, lastWall = 0, self = this;
    this.listeners = [];
    this.reached = false;
    this.seconds = function () { return spans.reduce(function (sum, s) { return sum + s[1] - s[0]; }, 0); };
    function add(a, b) {
      spans.push([a, b]);
      spans.sort(function (x, y) { return x[0] - y[0]; });
      var merged = [spans[0]];
      for (var i = 1; i < spans.length; i++) {
        var top = merged[merged.length - 1];
        if (spans[i][0] <= top[1]) top[1] = Math.max(top[1], spans[i][1]); else merged.push(spans[i]);
      }
      spans = merged;
    }
    video.addEventListener("seeking", function () { last = null; });
    video.addEventListener("emptied", function () { last = null; });
    video.addEventListener("timeupdate", function () {
      var t = video.currentTime, now = performance.now();
      if (video.seeking) { last = null; return; }
      if (last !== null) {
        var dt = t - last, wall = (now - lastWall) / 1000;
        // only what the clock allows at this playback rate (a jump further than that is a seek, however it came)
        if (dt > 0 && dt <= wall * Math.max(video.playbackRate, 0.1) * 1.5 + 0.3) add(last, t);
      }
      last = t; lastWall = now;
      var d = video.duration;
      if (!self.reached && isFinite(d) && d > 0 && self.seconds() >= COMPLETE * d) {
        self.reached = true;
        self.listeners.forEach(function (fn) { fn(); });
      }
    });
  }

  /* ---- one lesson: tracks, chapters, transcript ---- */
  var players = {};

  function seek(video, t) {
    video.currentTime = Math.max(0, Math.min(t, isFinite(video.duration) ? video.duration : t));
  }

  function setUp(section) {
    var video = section.querySelector("video");
    var id = section.getAttribute("data-lesson");
    for (var i = 0; i < video.textTracks.length; i++) {
      var track = video.textTracks[i];
      // chapters load only when not disabled; captions are on by default
      if (track.kind === "chapters") track.mode = "hidden";
      else if (track.kind === "captions" && track.mode === "disabled") track.mode = "showing";
    }
    var sentences = all(section, "button.sentence");
    var chapters = all(section, "button.chapter");
    var starts = sentences.map(function (b) { return parseFloat(b.getAttribute("data-start")); });
    var chapterStarts = chapters.map(function (b) { return parseFloat(b.getAttribute("data-start")); });
    all(section, "button[data-start]").forEach(function (b) {
      b.addEventListener("click", function () { seek(video, parseFloat(b.getAttribute("data-start"))); });
    });
    var box = section.querySelector(".transcript");
    var now = -1, nowChapter = -1;

    function index(list, t) {
      var k = -1;
      for (var i = 0; i < list.length; i++) { if (list[i] <= t + 0.05) k = i; }
      return k;
    }
    function mark() {
      var t = video.currentTime;
      var k = index(starts, t);
      if (k !== now) {
        if (now >= 0) { sentences[now].classList.remove("now"); sentences[now].removeAttribute("aria-current"); }
        now = k;
        if (k >= 0) {
          var el = sentences[k];
          el.classList.add("now");
          el.setAttribute("aria-current", "true");
          // keep the sentence in view inside the transcript (never scroll the page itself)
          var top = el.offsetTop - box.offsetTop, bottom = top + el.offsetHeight;
          if (top < box.scrollTop + 40 || bottom > box.scrollTop + box.clientHeight - 40) box.scrollTop = Math.max(0, top - box.clientHeight / 3);
        }
      }
      var c = index(chapterStarts, t);
      if (c !== nowChapter) {
        if (nowChapter >= 0) chapters[nowChapter].removeAttribute("aria-current");
        nowChapter = c;
        if (c >= 0) chapters[c].setAttribute("aria-current", "step");
      }
    }
    video.addEventListener("timeupdate", mark);
    video.addEventListener("seeked", mark);
    var watched = new Watched(video);
    players[id] = { video: video, watched: watched, chapterStarts: chapterStarts, mark: mark };
    mark();
  }

  function show(id, focus) {
    var target = null;
    sections.forEach(function (s) { if (s.getAttribute("data-lesson") === id) target = s; });
    if (!target) target = sections[0];
    if (!target) return;
    sections.forEach(function (s) {
      if (s !== target) { s.hidden = true; s.querySelector("video").pause(); }
    });
    target.hidden = false;
    links.forEach(function (a) {
      if (a.getAttribute("data-lesson") === target.getAttribute("data-lesson")) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    if (focus) target.querySelector("h2").focus({ preventScroll: true });
  }

  function fromHash() {
    var m = /^#lesson-(.+)$/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }

  /* ---- keyboard: on the whole page, for the lesson shown ---- */
  function onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
    var t = e.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    var section = shown();
    if (!section) return;
    var p = players[section.getAttribute("data-lesson")], v = p.video;
    var onControl = tag === "BUTTON" || tag === "A" || tag === "SUMMARY";
    var key = e.key;
    if ((key === " " || key === "Enter") && onControl) return; // the button's own action
    if (key === " " || key === "k" || key === "K") { if (v.paused || v.ended) v.play(); else v.pause(); }
    else if (key === "ArrowLeft" || key === "j" || key === "J") seek(v, v.currentTime - STEP);
    else if (key === "ArrowRight" || key === "l" || key === "L") seek(v, v.currentTime + STEP);
    else if (key === "m" || key === "M") v.muted = !v.muted;
    else if (key === "c" || key === "C") {
      for (var i = 0; i < v.textTracks.length; i++) {
        var track = v.textTracks[i];
        if (track.kind === "captions") track.mode = track.mode === "showing" ? "hidden" : "showing";
      }
    } else if (key === "[" || key === "]") {
      var c = -1;
      for (var k = 0; k < p.chapterStarts.length; k++) { if (p.chapterStarts[k] <= v.currentTime + 0.05) c = k; }
      // "[": the start of this chapter, or the one before when just past its start
      if (key === "[") c = (c > 0 && v.currentTime - p.chapterStarts[c] < 1.5) ? c - 1 : Math.max(c, 0);
      else c = Math.min(c + 1, p.chapterStarts.length - 1);
      seek(v, p.chapterStarts[c]);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }

  /* ---- SCORM 1.2: the LMS's API object in a parent frame (or the opener's) ---- */
  function findAPI(win) {
    for (var n = 0; win && n < 12; n++) {
      try { if (win.API) return win.API; } catch (e) { /* another origin: look no further up */ return null; }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }

  function scormTime(ms) { // CMITimespan: HHHH:MM:SS.SS
    var cs = Math.round(ms / 10), h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    function two(x) { return (x < 10 ? "0" : "") + x; }
    return two(Math.min(h, 9999)) + ":" + two(m) + ":" + (s < 10 ? "0" : "") + s.toFixed(2);
  }

  function scorm(player) {
    var api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
    if (!api) return "none";
    var started = Date.now(), finished = false;
    if (String(api.LMSInitialize("")) !== "true") return "refused";
    var status = String(api.LMSGetValue("cmi.core.lesson_status") || "");
    var done = status === "completed" || status === "passed";
    if (status === "not attempted" || status === "") {
      api.LMSSetValue("cmi.core.lesson_status", "incomplete");
      api.LMSCommit("");
    }
    player.watched.listeners.push(function () {
      if (done || finished) return;
      done = true;
      api.LMSSetValue("cmi.core.lesson_status", "completed");
      api.LMSCommit("");
    });
    function finish() {
      if (finished) return;
      finished = true;
      api.LMSSetValue("cmi.core.session_time", scormTime(Date.now() - started));
      api.LMSCommit("");
      api.LMSFinish("");
    }
    window.addEventListener("pagehide", finish);
    window.addEventListener("beforeunload", finish);
    return "scorm12";
  }

  /* ---- cmi5: statements to the endpoint the page was launched with ---- */
  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
  var VERBS = {
    initialized: "http://adlnet.gov/expapi/verbs/initialized",
    completed: "http://adlnet.gov/expapi/verbs/completed",
    terminated: "http://adlnet.gov/expapi/verbs/terminated"
  };

  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function isoDuration(ms) { return "PT" + (Math.round(ms / 10) / 100).toFixed(2) + "S"; }

  function cmi5(player) {
    var q = new URLSearchParams(location.search);
    var endpoint = q.get("endpoint"), fetchUrl = q.get("fetch"), actorText = q.get("actor");
    var registration = q.get("registration"), activityId = q.get("activityId");
    if (!endpoint || !fetchUrl || !actorText || !registration || !activityId) return "none";
    if (endpoint.charAt(endpoint.length - 1) !== "/") endpoint += "/";
    var actor = JSON.parse(actorText), session = uuid(), started = Date.now();
    var token = null, template = {}, mode = "Normal", ready = false, completed = false, terminated = false;

    function headers() {
      return { "Authorization": "Basic " + token, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json" };
    }
    function statement(verb, moveOn, result) {
      var context = JSON.parse(JSON.stringify(template || {}));
      context.registration = registration;
      context.contextActivities = context.contextActivities || {};
      var category = context.contextActivities.category || [];
      [CMI5].concat(moveOn ? [MOVEON] : []).forEach(function (id) {
        if (!category.some(function (a) { return a.id === id; })) category.push({ id: id, objectType: "Activity" });
      });
      context.contextActivities.category = category;
      context.extensions = context.extensions || {};
      if (!context.extensions[SESSION]) context.extensions[SESSION] = session; // the LMS's session id, from its template
      var s = {
        id: uuid(), timestamp: new Date().toISOString(), actor: actor,
        verb: { id: VERBS[verb], display: { "en-US": verb } },
        object: { id: activityId, objectType: "Activity" }, context: context
      };
      if (result) s.result = result;
      return s;
    }
    function send(s, keepalive) {
      return fetch(endpoint + "statements", { method: "POST", headers: headers(), body: JSON.stringify(s), keepalive: !!keepalive })
        .then(function (r) { if (!r.ok) throw new Error("statement refused: " + r.status); return r; });
    }
    var queue = fetch(fetchUrl, { method: "POST" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        token = j["auth-token"];
        var params = new URLSearchParams({ stateId: "LMS.LaunchData", activityId: activityId, agent: JSON.stringify(actor), registration: registration });
        return fetch(endpoint + "activities/state?" + params.toString(), { headers: headers() });
      })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (data) {
        template = data.contextTemplate || {};
        mode = data.launchMode || "Normal";
        return send(statement("initialized"));
      })
      .then(function () { ready = true; })
      .catch(function (e) { if (window.console) console.warn("cmi5:", e); });

    player.watched.listeners.push(function () {
      if (completed) return;
      completed = true;
      queue = queue.then(function () {
        if (!ready || terminated || mode !== "Normal") return null; // Browse and Review launches never complete
        return send(statement("completed", true, { completion: true, duration: isoDuration(Date.now() - started) }));
      }).catch(function (e) { if (window.console) console.warn("cmi5:", e); });
    });
    function terminate() {
      if (terminated || !ready) return;
      terminated = true;
      send(statement("terminated", false, { duration: isoDuration(Date.now() - started) }), true).catch(function () {});
    }
    window.addEventListener("pagehide", terminate);
    player.terminate = terminate;
    return "cmi5";
  }

  /* ---- start ---- */
  sections.forEach(setUp);
  show(fromHash(), false);
  window.addEventListener("hashchange", function () { show(fromHash(), true); });
  document.addEventListener("keydown", onKey, true); // before a focused video's own controls: each key acts once
  var lms = "none";
  if (sections.length === 1 && (config.lms === "scorm12" || config.lms === "cmi5")) {
    var only = players[sections[0].getAttribute("data-lesson")];
    try { lms = config.lms === "scorm12" ? scorm(only) : cmi5(only); } catch (e) { lms = "failed"; if (window.console) console.warn(e); }
  }
  // for a page that embeds this one, and for the tests: what was watched, and what the platform was told
  window.lessonPlayer = {
    lms: lms,
    watched: function (id) { return players[id] ? players[id].watched.seconds() : 0; },
    completed: function (id) { return players[id] ? players[id].watched.reached : false; },
    show: show
  };
})();
