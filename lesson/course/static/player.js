/* The course page's player (lesson/course/static/player.js): the lesson list, the player's own controls, chapters
   and transcript that seek, the current sentence highlighted, keyboard control, and what a learning platform is told
   (SCORM 1.2 with resume, or cmi5). A file of the project's own: no library, nothing fetched at run time but the
   platform's own calls. */
(function () {
  "use strict";

  var config = {};
  try { config = JSON.parse(document.body.getAttribute("data-config") || "{}"); } catch (e) { config = {}; }
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.lesson"));
  var links = Array.prototype.slice.call(document.querySelectorAll("a.lesson-link"));
  var COMPLETE = 0.9; // watched at least this share of a lesson: completed (seeking does not count as watching)
  var STEP = 5; // seconds a key moves
  var SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function shown() { for (var i = 0; i < sections.length; i++) { if (!sections[i].hidden) return sections[i]; } return null; }
  function warn(e) { if (window.console) console.warn("lesson player:", e); }
  function clock(t) {
    var s = Math.floor(Math.max(0, t) + 1e-6), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    s = s % 60;
    return (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  /* ---- watched time: the parts of the video played at its own pace, merged; a seek is never counted ---- */
  function Watched(video) {
    var spans = [], last = null, lastWall = 0, self = this;
    this.listeners = [];
    this.reached = false;
    this.seconds = function () { return spans.reduce(function (sum, s) { return sum + s[1] - s[0]; }, 0); };
    this.spans = function () { return spans.map(function (s) { return [s[0], s[1]]; }); };
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
    function check() {
      var d = video.duration;
      if (!self.reached && isFinite(d) && d > 0 && self.seconds() >= COMPLETE * d) {
        self.reached = true;
        self.listeners.forEach(function (fn) { fn(); });
      }
    }
    // what earlier sessions watched (a platform's record): added to this session's
    this.load = function (list) {
      list.forEach(function (s) { if (s[1] > s[0]) add(s[0], s[1]); });
      if (isFinite(video.duration)) check(); else video.addEventListener("loadedmetadata", check, { once: true });
    };
    video.addEventListener("seeking", function () { last = null; });
    video.addEventListener("emptied", function () { last = null; });
    // playing counts from where it starts (the first timeupdate comes a quarter of a second later)
    video.addEventListener("playing", function () { if (!video.seeking) { last = video.currentTime; lastWall = performance.now(); } });
    video.addEventListener("timeupdate", function () {
      var t = video.currentTime, now = performance.now();
      if (video.seeking) { last = null; return; }
      if (last !== null) {
        var dt = t - last, wall = (now - lastWall) / 1000;
        // only what the clock allows at this playback rate (a jump further than that is a seek, however it came)
        if (dt > 0 && dt <= wall * Math.max(video.playbackRate, 0.1) * 1.5 + 0.3) add(last, t);
      }
      last = t; lastWall = now;
      check();
    });
  }

  /* ---- one lesson: tracks, the page's own controls, chapters, transcript ---- */
  var players = {};

  function seek(video, t) {
    video.currentTime = Math.max(0, Math.min(t, isFinite(video.duration) ? video.duration : t));
  }

  // a roving tab stop: the group is one stop of the Tab key; the arrows, Home and End move inside it
  function roving(items) {
    function current() { for (var i = 0; i < items.length; i++) { if (items[i].tabIndex === 0) return i; } return 0; }
    function moveTo(k, focus) {
      if (!items.length) return;
      k = Math.max(0, Math.min(items.length - 1, k));
      items.forEach(function (b, i) { b.tabIndex = i === k ? 0 : -1; });
      if (focus) items[k].focus();
    }
    items.forEach(function (b, i) { b.addEventListener("focus", function () { moveTo(i, false); }); });
    return {
      items: items,
      moveTo: moveTo,
      key: function (key) {
        var k = current();
        if (key === "ArrowDown" || key === "ArrowRight") moveTo(k + 1, true);
        else if (key === "ArrowUp" || key === "ArrowLeft") moveTo(k - 1, true);
        else if (key === "Home") moveTo(0, true);
        else if (key === "End") moveTo(items.length - 1, true);
        else return false;
        return true;
      }
    };
  }

  function captionTracks(video) {
    var out = [];
    for (var i = 0; i < video.textTracks.length; i++) { if (video.textTracks[i].kind === "captions") out.push(video.textTracks[i]); }
    return out;
  }

  function setCaptions(p, on) {
    captionTracks(p.video).forEach(function (t, i) { t.mode = on && i === p.captionTrack ? "showing" : on ? "disabled" : "hidden"; });
    p.cc.setAttribute("aria-pressed", on ? "true" : "false");
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
    var chapterGroup = roving(chapters);
    var transcriptGroup = roving(all(section, ".transcript button[data-start]"));
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
          // the transcript's tab stop follows the sentence being said, unless the learner is moving in it
          if (!box.contains(document.activeElement)) transcriptGroup.moveTo(transcriptGroup.items.indexOf(el), false);
          // keep the sentence in view inside the transcript (never scroll the page itself): where it is on screen,
          // against where the transcript's visible box is, so no offset is counted twice
          var r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
          var top = r.top - b.top, bottom = r.bottom - b.top, head = box.querySelector(".label");
          var ceiling = head ? head.offsetHeight + 8 : 40;
          if (top < ceiling || bottom > box.clientHeight - 24) box.scrollTop = Math.max(0, box.scrollTop + top - box.clientHeight / 3);
        }
      }
      var c = index(chapterStarts, t);
      if (c !== nowChapter) {
        if (nowChapter >= 0) chapters[nowChapter].removeAttribute("aria-current");
        nowChapter = c;
        if (c >= 0) {
          chapters[c].setAttribute("aria-current", "step");
          if (!chapters[c].parentNode.parentNode.contains(document.activeElement)) chapterGroup.moveTo(c, false);
        }
      }
    }
    video.addEventListener("timeupdate", mark);
    video.addEventListener("seeked", mark);
    var watched = new Watched(video);
    var p = { video: video, section: section, watched: watched, chapterStarts: chapterStarts, mark: mark, captionTrack: 0,
              groups: [chapterGroup, transcriptGroup] };
    players[id] = p;
    controls(p);
    mark();
  }

  /* the page's own controls instead of the browser's, whose focus cannot be styled */
  function controls(p) {
    var video = p.video, bar = p.section.querySelector(".controls");
    if (!bar) return;
    var play = bar.querySelector(".play"), range = bar.querySelector(".seek"), at = bar.querySelector(".at");
    var mute = bar.querySelector(".mute"), speed = bar.querySelector(".speed"), size = bar.querySelector(".cc-size");
    var full = bar.querySelector(".full"), screen = p.section.querySelector(".screen");
    p.cc = bar.querySelector(".cc");
    video.controls = false;
    bar.hidden = false;
    function paint() {
      var playing = !video.paused && !video.ended;
      play.textContent = playing ? "Pause" : "Play";
      play.setAttribute("aria-label", playing ? "Pause" : "Play");
      mute.setAttribute("aria-pressed", video.muted ? "true" : "false");
      mute.textContent = video.muted ? "Unmute" : "Mute";
    }
    function time() {
      var t = video.currentTime;
      if (!dragging) range.value = t.toFixed(1);
      range.setAttribute("aria-valuetext", clock(t) + " of " + clock(parseFloat(range.max)));
      at.textContent = clock(t);
      range.style.setProperty("--played", (100 * t / (parseFloat(range.max) || 1)).toFixed(2) + "%");
    }
    play.addEventListener("click", function () { if (video.paused || video.ended) video.play(); else video.pause(); });
    video.addEventListener("click", function () { if (video.paused || video.ended) video.play(); else video.pause(); });
    var dragging = false; // while the learner drags the bar, the bar is theirs
    range.addEventListener("pointerdown", function () { dragging = true; });
    ["pointerup", "pointercancel", "blur"].forEach(function (e) { range.addEventListener(e, function () { dragging = false; }); });
    range.addEventListener("input", function () { seek(video, parseFloat(range.value)); });
    mute.addEventListener("click", function () { video.muted = !video.muted; });
    speed.addEventListener("change", function () { video.playbackRate = parseFloat(speed.value); });
    video.addEventListener("ratechange", function () {
      if (SPEEDS.indexOf(video.playbackRate) >= 0) speed.value = String(video.playbackRate);
    });
    p.cc.addEventListener("click", function () { setCaptions(p, p.cc.getAttribute("aria-pressed") !== "true"); });
    function cueSize() {
      // the caption's size follows the picture's height, times the learner's choice
      var scale = { small: 0.8, medium: 1, large: 1.3, "x-large": 1.6 }[size.value] || 1;
      p.section.style.setProperty("--cue-size", Math.max(12, video.clientHeight * 0.05 * scale).toFixed(1) + "px");
    }
    size.addEventListener("change", cueSize);
    window.addEventListener("resize", cueSize);
    full.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen(); else if (screen.requestFullscreen) screen.requestFullscreen();
    });
    ["play", "pause", "ended", "volumechange"].forEach(function (e) { video.addEventListener(e, paint); });
    ["timeupdate", "seeked", "loadedmetadata"].forEach(function (e) { video.addEventListener(e, time); });
    video.addEventListener("loadedmetadata", function () {
      if (isFinite(video.duration)) range.max = video.duration.toFixed(3);
      cueSize();
    });
    paint(); time(); cueSize();
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
    if (focus) target.querySelector("[id^='title-']").focus({ preventScroll: true });
  }

  // the lesson a fragment names (#lesson-<id>); null for any other fragment, or one that is not valid percent-encoding
  function fromHash() {
    var m = /^#lesson-(.+)$/.exec(location.hash);
    if (!m) return null;
    try { return decodeURIComponent(m[1]); } catch (e) { return null; }
  }

  /* ---- keyboard: on the whole page, for the lesson shown ---- */
  function onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
    var t = e.target, tag = t && t.tagName;
    var onSeekBar = t && t.classList && t.classList.contains("seek"); // the position bar takes the page's keys
    if ((tag === "INPUT" && !onSeekBar) || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    var section = shown();
    if (!section) return;
    var p = players[section.getAttribute("data-lesson")], v = p.video;
    var onControl = tag === "BUTTON" || tag === "A" || tag === "SUMMARY";
    var key = e.key;
    if ((key === " " || key === "Enter") && onControl) return; // the button's own action
    for (var g = 0; g < p.groups.length; g++) {
      if (p.groups[g].items.indexOf(t) >= 0) {
        if (p.groups[g].key(key)) { e.preventDefault(); e.stopPropagation(); return; }
      }
    }
    if (key === " " || key === "k" || key === "K") { if (v.paused || v.ended) v.play(); else v.pause(); }
    else if (key === "ArrowLeft" || key === "j" || key === "J") seek(v, v.currentTime - STEP);
    else if (key === "ArrowRight" || key === "l" || key === "L") seek(v, v.currentTime + STEP);
    else if (key === "m" || key === "M") v.muted = !v.muted;
    else if (key === "c" || key === "C") {
      if (p.cc) setCaptions(p, p.cc.getAttribute("aria-pressed") !== "true");
    } else if (key === "<" || key === ">") {
      var k0 = SPEEDS.indexOf(v.playbackRate);
      if (k0 < 0) k0 = 1;
      v.playbackRate = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, k0 + (key === ">" ? 1 : -1)))];
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

  function tell(player, text) {
    var box = player.section.querySelector(".lms-message");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
  }

  // start at ``t`` seconds once the video can seek
  function resumeAt(video, t) {
    if (!(t > 0)) return;
    if (video.readyState >= 1) seek(video, t);
    else video.addEventListener("loadedmetadata", function () { seek(video, t); }, { once: true });
  }

  /* ---- what was watched, compactly: "1:" then start.length per span in tenths of a second, base 36 ----
     Starts round up and ends down, so a record never claims more than was watched; a record longer than
     ``limit`` drops its shortest spans (still never more than was watched). */
  function packSpans(spans, limit) {
    var list = spans.map(function (s) { return [Math.ceil(s[0] * 10 - 1e-6), Math.floor(s[1] * 10 + 1e-6)]; })
      .filter(function (s) { return s[1] > s[0]; });
    function text(l) { return "1:" + l.map(function (s) { return s[0].toString(36) + "." + (s[1] - s[0]).toString(36); }).join(","); }
    while (list.length && text(list).length > limit) {
      var shortest = 0;
      for (var i = 1; i < list.length; i++) { if (list[i][1] - list[i][0] < list[shortest][1] - list[shortest][0]) shortest = i; }
      list.splice(shortest, 1);
    }
    return text(list);
  }
  function unpackSpans(text) {
    var m = /^1:(.*)$/.exec(text || "");
    if (!m || !m[1]) return [];
    return m[1].split(",").map(function (x) {
      var ab = x.split("."), a = parseInt(ab[0], 36), n = parseInt(ab[1], 36);
      return isFinite(a) && isFinite(n) ? [a / 10, (a + n) / 10] : null;
    }).filter(function (s) { return s; });
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

  var SUSPEND_LIMIT = 4096; // SCORM 1.2's cmi.suspend_data: CMIString4096

  function scorm(player) {
    var api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
    if (!api) return "none";
    var started = Date.now(), finished = false, video = player.video;
    if (String(api.LMSInitialize("")) !== "true") { tell(player, "The learning platform did not start this lesson: your progress is not recorded."); return "refused"; }
    var status = String(api.LMSGetValue("cmi.core.lesson_status") || "");
    var done = status === "completed" || status === "passed";
    // a learner who left unfinished (cmi.core.exit = suspend) comes back where they stopped, with what they watched
    if (String(api.LMSGetValue("cmi.core.entry")) === "resume") {
      var location0 = parseFloat(String(api.LMSGetValue("cmi.core.lesson_location") || ""));
      player.watched.load(unpackSpans(String(api.LMSGetValue("cmi.suspend_data") || "")));
      if (!done) resumeAt(video, location0);
    }
    if (status === "not attempted" || status === "") {
      api.LMSSetValue("cmi.core.lesson_status", "incomplete");
      api.LMSCommit("");
    }
    function save(commit) {
      if (finished) return;
      api.LMSSetValue("cmi.core.lesson_location", video.currentTime.toFixed(1));
      api.LMSSetValue("cmi.suspend_data", packSpans(player.watched.spans(), SUSPEND_LIMIT));
      if (commit) api.LMSCommit("");
    }
    player.watched.listeners.push(function () {
      if (done || finished) return;
      done = true;
      api.LMSSetValue("cmi.core.lesson_status", "completed");
      api.LMSCommit("");
    });
    video.addEventListener("pause", function () { if (!video.ended) save(true); });
    function finish() {
      if (finished) return;
      save(false);
      finished = true;
      api.LMSSetValue("cmi.core.exit", done ? "" : "suspend");
      api.LMSSetValue("cmi.core.session_time", scormTime(Date.now() - started));
      api.LMSCommit("");
      api.LMSFinish("");
    }
    window.addEventListener("pagehide", finish);
    window.addEventListener("beforeunload", finish);
    player.finish = finish;
    return "scorm12";
  }

  /* ---- cmi5 (the cmi5 specification, "AU" sections): launch data and preferences first, then statements ---- */
  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
  var PROGRESS = "lesson-progress"; // this AU's own state document: completed once per registration, where it stopped
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

  // the first caption track whose language is one the learner prefers, in their order ("fr-CA,en" → fr-CA, fr, en)
  function preferredTrack(video, languages) {
    var tracks = captionTracks(video);
    for (var i = 0; i < languages.length; i++) {
      var want = languages[i].trim().toLowerCase();
      if (!want) continue;
      for (var pass = 0; pass < 2; pass++) {
        for (var k = 0; k < tracks.length; k++) {
          var have = (tracks[k].language || "").toLowerCase();
          if (have === want || (pass === 1 && have.split("-")[0] === want.split("-")[0])) return k;
        }
      }
    }
    return -1;
  }

  function cmi5(player) {
    var q = new URLSearchParams(location.search);
    var endpoint = q.get("endpoint"), fetchUrl = q.get("fetch"), actorText = q.get("actor");
    var registration = q.get("registration"), activityId = q.get("activityId");
    if (!endpoint || !fetchUrl || !actorText || !registration || !activityId) return "none";
    if (endpoint.charAt(endpoint.length - 1) !== "/") endpoint += "/";
    var video = player.video, exit = player.section.querySelector("button.exit");
    var actor, session = null, started = Date.now(), token = null, launch = null, progress = {};
    var ready = false, failed = false, completed = false, terminated = false;
    try { actor = JSON.parse(actorText); } catch (e) { actor = null; }

    function fail(what) {
      failed = true;
      tell(player, "This lesson could not start with your learning platform (" + what + "). You can watch it, but your " +
        "progress is not recorded: close this window and launch the lesson again from the platform.");
      if (exit) exit.hidden = true;
    }
    if (!actor) { fail("its launch address is incomplete"); return "failed"; }
    function headers(json) {
      var h = { "Authorization": "Basic " + token, "X-Experience-API-Version": "1.0.3" };
      if (json) h["Content-Type"] = "application/json";
      return h;
    }
    function query(extra) {
      var o = { activityId: activityId, agent: JSON.stringify(actor), registration: registration };
      Object.keys(extra).forEach(function (k) { o[k] = extra[k]; });
      return new URLSearchParams(o).toString();
    }
    function getJSON(url, what, missingOk) {
      return fetch(url, { headers: headers(false), cache: "no-store" }).then(function (r) {
        if (r.status === 404 && missingOk) return null;
        if (!r.ok) throw new Error(what + ": HTTP " + r.status);
        return r.json();
      });
    }
    function statement(verb, moveOn, result) {
      var context = JSON.parse(JSON.stringify(launch.contextTemplate || {}));
      context.registration = registration;
      context.contextActivities = context.contextActivities || {};
      var category = context.contextActivities.category || [];
      [CMI5].concat(moveOn ? [MOVEON] : []).forEach(function (id) {
        if (!category.some(function (a) { return a.id === id; })) category.push({ id: id, objectType: "Activity" });
      });
      context.contextActivities.category = category;
      var s = {
        id: uuid(), timestamp: new Date().toISOString(), actor: actor,
        verb: { id: VERBS[verb], display: { "en-US": verb } },
        object: { id: activityId, objectType: "Activity" }, context: context
      };
      if (result) s.result = result;
      return s;
    }
    function send(s, keepalive) {
      return fetch(endpoint + "statements", { method: "POST", headers: headers(true), body: JSON.stringify(s), keepalive: !!keepalive })
        .then(function (r) { if (!r.ok) throw new Error("statement refused: HTTP " + r.status); return r; });
    }
    function saveProgress(keepalive) {
      progress.position = Math.round(video.currentTime * 10) / 10;
      progress.watched = packSpans(player.watched.spans(), 8192);
      return fetch(endpoint + "activities/state?" + query({ stateId: PROGRESS }),
        { method: "PUT", headers: headers(true), body: JSON.stringify(progress), keepalive: !!keepalive })
        .then(function (r) { if (!r.ok) throw new Error("progress not saved: HTTP " + r.status); });
    }

    var queue = fetch(fetchUrl, { method: "POST", cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error("the fetch URL: HTTP " + r.status);
        return r.json();
      })
      .then(function (j) {
        if (!j || !j["auth-token"]) throw new Error("the fetch URL: " + (j && j["error-text"] || "no token"));
        token = j["auth-token"];
        return getJSON(endpoint + "activities/state?" + query({ stateId: "LMS.LaunchData" }), "the launch data", false);
      })
      .then(function (data) {
        var tmpl = data && data.contextTemplate;
        if (!tmpl || !tmpl.extensions || !tmpl.extensions[SESSION]) throw new Error("the launch data has no session");
        launch = data;
        session = tmpl.extensions[SESSION];
        return getJSON(endpoint + "agents/profile?" + new URLSearchParams({ agent: JSON.stringify(actor), profileId: "cmi5LearnerPreferences" }).toString(),
          "the learner's preferences", true);
      })
      .then(function (prefs) {
        if (prefs) {
          if (prefs.audioPreference === "off") video.muted = true;
          else if (prefs.audioPreference === "on") video.muted = false;
          if (typeof prefs.languagePreference === "string" && player.cc) {
            var k = preferredTrack(video, prefs.languagePreference.split(","));
            if (k >= 0) { player.captionTrack = k; setCaptions(player, true); }
          }
        }
        return getJSON(endpoint + "activities/state?" + query({ stateId: PROGRESS }), "this lesson's progress", true);
      })
      .then(function (saved) {
        progress = saved && typeof saved === "object" ? saved : {};
        completed = progress.completed === true;
        player.watched.load(unpackSpans(progress.watched));
        if (!completed) resumeAt(video, progress.position);
        return send(statement("initialized"));
      })
      .then(function () {
        ready = true;
        if (exit) exit.hidden = false;
      })
      .catch(function (e) { warn(e); fail(String(e && e.message || e)); });

    player.watched.listeners.push(function () {
      queue = queue.then(function () {
        // once per registration (the state says whether an earlier session sent it); Browse and Review never complete
        if (!ready || failed || terminated || completed || launch.launchMode !== "Normal") return null;
        completed = true;
        progress.completed = true;
        return saveProgress(false).then(function () {
          return send(statement("completed", true, { completion: true, duration: isoDuration(Date.now() - started) }));
        });
      }).catch(warn);
    });
    video.addEventListener("pause", function () {
      if (video.ended) return;
      queue = queue.then(function () { if (ready && !terminated) return saveProgress(false); }).catch(warn);
    });
    function terminate(keepalive) {
      if (terminated || !ready) return Promise.resolve();
      terminated = true;
      var last = statement("terminated", false, { duration: isoDuration(Date.now() - started) });
      // as the page goes (keepalive) both requests leave at once: nothing chained after a response would be sent
      if (keepalive) return Promise.all([saveProgress(true).catch(warn), send(last, true)]);
      return saveProgress(false).catch(warn).then(function () { return send(last, false); });
    }
    window.addEventListener("pagehide", function () { terminate(true).catch(warn); });
    if (exit) {
      exit.addEventListener("click", function () {
        exit.disabled = true;
        queue = queue.then(function () { return terminate(false); }).then(function () {
          if (launch && launch.returnURL) location.assign(launch.returnURL);
          else tell(player, "Your progress is saved. You can close this window.");
        }).catch(function (e) {
          warn(e);
          exit.disabled = false;
          tell(player, "The learning platform did not answer: try Exit again, or close this window.");
        });
      });
    }
    player.terminate = terminate;
    return "cmi5";
  }

  /* ---- start ---- */
  sections.forEach(setUp);
  show(fromHash(), false);
  // only a fragment that names a lesson switches lessons (the skip link's #main, or a broken one, changes nothing)
  window.addEventListener("hashchange", function () { var id = fromHash(); if (id !== null) show(id, true); });
  document.addEventListener("keydown", onKey, true); // before a focused control's own handling: each key acts once
  var lms = "none";
  if (sections.length === 1 && (config.lms === "scorm12" || config.lms === "cmi5")) {
    var only = players[sections[0].getAttribute("data-lesson")];
    try { lms = config.lms === "scorm12" ? scorm(only) : cmi5(only); } catch (e) { lms = "failed"; warn(e); }
  }
  // for a page that embeds this one, and for the tests: what was watched, and what the platform was told
  window.lessonPlayer = {
    lms: lms,
    watched: function (id) { return players[id] ? players[id].watched.seconds() : 0; },
    spans: function (id) { return players[id] ? players[id].watched.spans() : []; },
    completed: function (id) { return players[id] ? players[id].watched.reached : false; },
    pack: packSpans,
    unpack: unpackSpans,
    show: show
  };
})();
