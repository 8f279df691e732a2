// lesson preview: follows the server's state (server-sent events), plays the newest video, lists steps, warnings,
// numbers and equations. Every text of the author's is set with textContent, never as HTML.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const video = $("video");
  const view = { state: null, lesson: null, version: null, step: null, frame: 0 };
  window.preview = view;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  }
  const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
  const lessonOf = (state, id) => state.lessons.find((l) => l.id === id) || state.lessons[0];

  function seek(seconds) {
    if (seconds === null || seconds === undefined) return;
    video.currentTime = seconds;
    view.seekedTo = seconds;
  }

  function load(lesson, at, play) {
    // a new version of the video: its captions and chapters too, then the moment asked for
    for (const t of [...video.querySelectorAll("track")]) t.remove();
    video.src = lesson.video[`${lesson.id}.mp4`];
    video.append(el("track", { kind: "captions", label: "Captions", srclang: "en", src: lesson.video[`${lesson.id}.vtt`], default: "" }));
    video.append(el("track", { kind: "chapters", label: "Chapters", srclang: "en", src: lesson.video[`${lesson.id}.chapters.vtt`] }));
    video.dataset.version = lesson.version;
    video.dataset.lesson = lesson.id;
    view.version = lesson.version;
    video.addEventListener("loadedmetadata", () => {
      seek(at);
      if (video.textTracks[0]) video.textTracks[0].mode = "showing";
      if (play) video.play().catch(() => {});
    }, { once: true });
    video.load();
  }

  function render(state) {
    const previous = view.state;
    view.state = state;
    $("status").textContent = { starting: "starting", checking: "checking…", rendering: "rendering…", ready: "ready", broken: "the script has errors" }[state.status] || state.status;
    if (state.status === "ready" && state.took !== undefined) $("status").textContent = `ready (checked and rendered in ${state.took.toFixed(1)} s)`;
    $("status").dataset.status = state.status;
    // errors over the last good video
    const list = $("error-list");
    list.replaceChildren(...state.errors.map((e) => el("li", { text: e.text })));
    $("errors").hidden = state.errors.length === 0;
    if (!state.lessons.length) return;
    const focus = state.focus;
    const fresh = focus && (!previous || !previous.focus || previous.focus.version !== focus.version);
    if (fresh) view.lesson = focus.lesson;
    const lesson = lessonOf(state, view.lesson);
    view.lesson = lesson.id;
    $("title").textContent = `${lesson.title} — lesson preview`;
    document.title = `${lesson.title} — lesson preview`;
    if (fresh || video.dataset.lesson !== lesson.id) load(lesson, fresh ? focus.time : 0, !!previous);
    lessons(state, lesson);
    steps(lesson);
    warnings(lesson);
    numbers(lesson);
    const none = [el("li", { text: "none" })];
    const equations = lesson.equations.map((q) => el("li", { class: "equation" }, el("span", { class: "time", text: `${q.step}: ` }), q.shown));
    $("equations").replaceChildren(...(equations.length ? equations : none));
    const relations = (lesson.relations || []).map((r) => el("li", { class: "relation" }, el("span", { class: "time", text: `${r.step}: ` }),
      `“${r.said}”: ${r.expression}, claimed ${r.relation}: ${r.verdict}`));
    $("relations").replaceChildren(...(relations.length ? relations : [el("li", { text: "none" })]));
    if (view.step === null || !lesson.steps.some((s) => s.id === view.step)) pick(lesson.steps[0].id, lesson.steps[0].frames - 1);
    else pick(view.step, view.frame);
  }

  function lessons(state, lesson) {
    const nav = $("lessons");
    nav.hidden = state.lessons.length < 2;
    nav.replaceChildren(...state.lessons.map((l) => el("button", {
      type: "button", text: l.title, "aria-current": l.id === lesson.id ? "page" : "false",
      onclick: () => { view.lesson = l.id; view.step = null; render(view.state); },
    })));
  }

  function steps(lesson) {
    $("steps").replaceChildren(...lesson.steps.map((s) => el("li", { class: s.changed ? "changed" : "", "data-step": s.id },
      el("button", { type: "button", class: "seek", onclick: () => { seek(s.start); pick(s.id, 0); } },
        el("span", { class: "time", text: `${clock(s.start)} ` }), s.title, el("span", { class: "time", text: ` (${s.duration.toFixed(1)} s)` })),
      " ",
      el("button", { type: "button", class: "frames", text: "frames", onclick: () => pick(s.id, 0) }),
      ...s.layout.map((p) => el("div", {},
        el("button", { type: "button", class: "layout", text: `layout: ${p.text}`, onclick: () => seek(p.time) }))))));
  }

  function warnings(lesson) {
    const items = lesson.warnings.map((w) => el("li", {},
      el("button", { type: "button", class: "warning", "data-time": w.time === null ? "" : String(w.time),
        onclick: () => { if (w.time !== null) { seek(w.time); pick(w.step, 0); } } }, w.text)));
    $("warnings").replaceChildren(...(items.length ? items : [el("li", { text: "none" })]));
  }

  function numbers(lesson) {
    $("numbers").tBodies[0].replaceChildren(...lesson.numbers.map((n) => el("tr", {},
      el("td", { text: `{${n.name}}` }), el("td", { text: n.shown }), el("td", { class: "value", text: n.value }))));
  }

  // frame by frame: the step's stills, at its cues or one frame at a time
  function pick(stepId, frame) {
    const lesson = lessonOf(view.state, view.lesson);
    const step = lesson.steps.find((s) => s.id === stepId);
    if (!step) return;
    view.step = step.id;
    view.frame = Math.max(0, Math.min(step.frames - 1, frame));
    const img = $("still");
    img.src = `/still/${lesson.version}/${encodeURIComponent(lesson.id)}/${encodeURIComponent(step.id)}/${view.frame}.png`;
    img.hidden = false;
    $("frame-label").textContent = `${step.title}: frame ${view.frame + 1} of ${step.frames} (${(view.frame / lesson.fps).toFixed(2)} s)`;
    $("cues").replaceChildren(...[{ name: "start", frame: 0 }, ...step.cues, { name: "end", frame: step.frames - 1 }].map((c) =>
      el("button", { type: "button", class: c.frame === view.frame ? "cue now" : "cue", text: c.name, onclick: () => pick(step.id, c.frame) })));
  }
  const stepBy = (d) => { if (view.step !== null) pick(view.step, view.frame + d); };
  $("prev-frame").addEventListener("click", () => stepBy(-1));
  $("next-frame").addEventListener("click", () => stepBy(1));
  $("to-video").addEventListener("click", () => {
    const lesson = lessonOf(view.state, view.lesson);
    const step = lesson.steps.find((s) => s.id === view.step);
    if (step) { video.pause(); seek(step.start + (view.frame + 0.5) / lesson.fps); }
  });
  document.addEventListener("keydown", (e) => {
    if (e.target.closest && e.target.closest("video")) return;
    if (e.key === ",") stepBy(-1);
    if (e.key === ".") stepBy(1);
  });

  async function refresh() {
    const answer = await fetch("/state", { cache: "no-store" });
    render(await answer.json());
  }
  let pending = Promise.resolve();
  const events = new EventSource("/events");
  events.addEventListener("state", () => { pending = pending.then(refresh).catch((e) => console.error(e)); });
})();
