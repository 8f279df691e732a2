"""The course page in a real browser: headless Debian Chromium driven by Selenium.

The offline page opened from disk (file://) plays a lesson with its caption and chapter tracks, seeks from the
chapter list and the transcript, answers the keyboard and shows where the focus is. The SCORM 1.2 package is
played by a recording LMS of our own (tests/course_fixtures/scorm_lms.html: a parent frame with an ``API`` object
and the SCO in an iframe), the cmi5 package by a recording xAPI endpoint on 127.0.0.1.

    python tests/test_course_browser.py OUT/<course id>/index.html docs/course-page.png   # the README's screenshot
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from course_fixtures.course_helpers import Server, build_tiny_course, chrome, copy_lms_page, unzip, vtt_cues, wait_for  # noqa: E402

SHOWN = "document.querySelector('section.lesson:not([hidden])')"
VIDEO = SHOWN + ".querySelector('video')"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    return build_tiny_course(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="module")
def driver():
    d = chrome()
    try:
        yield d
    finally:
        d.quit()


def video_time(d) -> float:
    return d.execute_script(f"return {VIDEO}.currentTime")


def keys(d, *sequence):
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(d).send_keys(*sequence).perform()


def screenshot(d, index: Path, target: Path, at: float = 5.0) -> None:
    """The course page with the first lesson at ``at`` seconds (paused, a sentence highlighted), saved as a PNG."""
    d.get(index.resolve().as_uri())
    wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1")
    d.execute_script(f"{VIDEO}.currentTime = arguments[0]", at)
    wait_for(d, f"!{VIDEO}.seeking && {VIDEO}.readyState >= 3 && document.querySelector('button.sentence.now')")
    time.sleep(1.0)  # the caption is drawn on a later frame, and the loading spinner fades out
    d.save_screenshot(str(target))


def test_page_from_disk_plays_with_caption_and_chapter_tracks(built, driver):
    _, result, _ = built
    folder = result.folder
    manifest = json.loads((folder / "course.json").read_text())
    d = driver
    d.get((folder / "index.html").as_uri())
    wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1")
    assert d.execute_script(f"return {SHOWN}.dataset.lesson") == "tiny_first"
    wait_for(d, f"[...{VIDEO}.textTracks].every(t => t.cues && t.cues.length > 0)")
    tracks = d.execute_script(f"return [...{VIDEO}.textTracks].map(t => [t.kind, t.mode, [...t.cues].map(c => [c.startTime, c.endTime, c.text])])")
    captions = [(round(a, 3), round(b, 3), text.replace("\n", " ")) for a, b, text in tracks[0][2]]
    assert (tracks[0][0], tracks[0][1]) == ("captions", "showing")
    assert captions == list(vtt_cues(folder / "tiny_first" / "tiny_first.vtt"))
    lesson = manifest["lessons"][0]
    assert (tracks[1][0], tracks[1][1]) == ("chapters", "hidden")
    assert [(round(a, 3), round(b, 3), t) for a, b, t in tracks[1][2]] == [(c["start"], c["end"], c["title"]) for c in lesson["chapters"]]
    assert abs(d.execute_script(f"return {VIDEO}.duration") - lesson["duration"]) < 0.1
    assert d.execute_script(f"return {VIDEO}.play().then(() => true)") is True
    wait_for(d, f"{VIDEO}.currentTime > 0.5")
    d.execute_script(f"{VIDEO}.pause()")
    assert d.execute_script(f"return {VIDEO}.error") is None


def test_a_chapter_and_a_transcript_sentence_seek(built, driver):
    _, result, _ = built
    d = driver
    d.get((result.folder / "index.html").as_uri())
    wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1")
    chapters = d.find_elements("css selector", "section.lesson:not([hidden]) button.chapter")
    assert [c.text for c in chapters] == ["0:00 Two scores", "0:04 The scores"]
    chapters[1].click()
    wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - 4.0) < 0.01")
    assert chapters[1].get_attribute("aria-current") == "step"
    cues = vtt_cues(result.folder / "tiny_first" / "tiny_first.vtt")  # each sentence of this lesson is one cue
    sentences = d.find_elements("css selector", "section.lesson:not([hidden]) button.sentence")
    assert [s.text for s in sentences] == [c[2] for c in cues]
    sentences[3].click()
    wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - {cues[3][0]}) < 0.01")
    wait_for(d, "document.querySelectorAll('button.sentence.now').length == 1")
    assert "now" in sentences[3].get_attribute("class") and sentences[3].get_attribute("aria-current") == "true"
    sentences[0].click()
    wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - {cues[0][0]}) < 0.01")
    wait_for(d, "arguments[0].classList.contains('now')", 5, sentences[0])


def test_keyboard_controls_the_player(built, driver):
    _, result, _ = built
    d = driver
    d.get((result.folder / "index.html").as_uri())
    wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1")
    d.execute_script("document.activeElement.blur()")
    keys(d, "k")
    wait_for(d, f"!{VIDEO}.paused && {VIDEO}.currentTime > 0.2")
    keys(d, "k")
    wait_for(d, f"{VIDEO}.paused")
    d.execute_script(f"{VIDEO}.currentTime = 1")
    wait_for(d, f"!{VIDEO}.seeking")
    from selenium.webdriver.common.keys import Keys

    keys(d, Keys.ARROW_RIGHT)
    wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - 6) < 0.01")
    keys(d, "j")
    wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - 1) < 0.01")
    keys(d, "]")
    wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - 4) < 0.01")  # the next chapter starts at 0:04
    keys(d, "[", "[")
    wait_for(d, f"!{VIDEO}.seeking && {VIDEO}.currentTime < 0.01")
    keys(d, "c")
    assert d.execute_script(f"return {VIDEO}.textTracks[0].mode") == "hidden"
    keys(d, "c")
    assert d.execute_script(f"return {VIDEO}.textTracks[0].mode") == "showing"
    keys(d, "m")
    assert d.execute_script(f"return {VIDEO}.muted") is True
    # a focused video takes the arrows itself (its own controls) and the page's keys too, each once
    d.execute_script(f"{VIDEO}.focus(); window.seeks = 0; {VIDEO}.addEventListener('seeking', () => window.seeks++)")
    keys(d, Keys.ARROW_RIGHT)
    wait_for(d, f"!{VIDEO}.seeking && {VIDEO}.currentTime > 4")
    time.sleep(0.3)
    assert d.execute_script(f"return [window.seeks, {VIDEO}.currentTime]") == [1, 5]
    keys(d, "j")
    wait_for(d, f"!{VIDEO}.seeking && window.seeks == 2 && {VIDEO}.currentTime < 1")


def test_focus_outline_is_visible_when_tabbing(built, driver):
    from selenium.webdriver.common.keys import Keys

    _, result, _ = built
    d = driver
    d.get((result.folder / "index.html").as_uri())
    wait_for(d, "window.lessonPlayer")
    reached = []
    for _ in range(12):
        keys(d, Keys.TAB)
        reached.append(d.execute_script("const e = document.activeElement; return e.className || e.tagName"))
        if reached[-1] == "chapter":
            break
    assert reached[-1] == "chapter", reached
    assert reached[0] == "skip" and "lesson-link" in reached  # the skip link first, then the lessons
    style = d.execute_script("const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth, s.outlineColor]")
    assert style == ["solid", "3px", "rgb(194, 65, 12)"]
    d.execute_script("document.activeElement.blur()")
    assert d.execute_script("return getComputedStyle(document.querySelector('button.chapter')).outlineStyle") == "none"


def test_choosing_another_lesson_shows_it_and_pauses_the_first(built, driver):
    _, result, _ = built
    d = driver
    d.get((result.folder / "index.html").as_uri())
    wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1")
    d.execute_script(f"return {VIDEO}.play()")
    links = d.find_elements("css selector", "a.lesson-link")
    assert [a.text.split("\n")[0] for a in links] == ["1. Raw scores", "2. The larger score"]
    links[1].click()
    wait_for(d, f"{SHOWN}.dataset.lesson == 'tiny_second'")
    assert d.execute_script("return document.querySelector('#lesson-tiny_first video').paused") is True
    assert d.execute_script("return location.hash") == "#lesson-tiny_second"
    assert links[1].get_attribute("aria-current") == "page" and links[0].get_attribute("aria-current") is None


def test_screenshot_of_the_course_page(built, driver, tmp_path):
    from PIL import Image

    _, result, _ = built
    target = tmp_path / "course-page.png"
    screenshot(driver, result.folder / "index.html", target)
    image = Image.open(target).convert("L")
    assert image.size == tuple(driver.execute_script("return [window.innerWidth, window.innerHeight]"))
    lo, hi = image.getextrema()
    assert hi - lo > 150  # text on a light page, not a blank one


# ---- what the player shows and how it answers ----

def open_page(d, url: str) -> None:
    d.get("about:blank")  # a new document even when only the fragment differs from the page before
    d.get(url)
    wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1")


def test_captions_and_chapters_with_markup_characters_read_back_verbatim_in_chromium(built, driver):
    """The second lesson narrates '<', '>', '&' and '-->' and has a chapter titled with '-->': Chromium's own WebVTT parser
    (the cues as it would draw them) gives back the author's text, word for word."""
    _, result, _ = built
    d = driver
    open_page(d, (result.folder / "index.html").as_uri() + "#lesson-tiny_second")
    assert d.execute_script(f"return {SHOWN}.dataset.lesson") == "tiny_second"
    wait_for(d, f"[...{VIDEO}.textTracks].every(t => t.cues && t.cues.length > 0)")
    shown = d.execute_script(f"return [...{VIDEO}.textTracks].map(t => [...t.cues].map(c => c.getCueAsHTML().textContent))")
    said = " ".join(" ".join(text.split()) for text in shown[0])
    assert "If p < 0.5 and q > 0.9 we stop. Ask R&D about x<y later. Wet --> dry." in said
    assert shown[1] == ["Two scores --> one", "The scores"]
    sentences = [b.text for b in d.find_elements("css selector", "#lesson-tiny_second button.sentence")]
    assert sentences[1:4] == ["If p < 0.5 and q > 0.9 we stop.", "Ask R&D about x<y later.", "Wet --> dry."]
    text = d.execute_script("return fetch(arguments[0].href).then(r => r.text())",
                            d.find_element("css selector", "#lesson-tiny_second a[download$='.transcript.txt']"))
    assert text.splitlines()[:3] == ["The larger score", "", "[0:00] Two scores --> one"]
    assert "If p < 0.5 and q > 0.9 we stop. Ask R&D about x<y later. Wet --> dry." in text


def test_skip_link_keeps_the_chosen_lesson_playing(built, driver):
    from selenium.webdriver.common.keys import Keys

    _, result, _ = built
    d = driver
    open_page(d, (result.folder / "index.html").as_uri() + "#lesson-tiny_second")
    d.execute_script(f"return {VIDEO}.play()")
    wait_for(d, f"!{VIDEO}.paused && {VIDEO}.currentTime > 0.2")
    d.execute_script("document.querySelector('a.skip').focus()")
    keys(d, Keys.ENTER)
    wait_for(d, "location.hash == '#main' && document.activeElement.id == 'main'")
    assert d.execute_script(f"return [{SHOWN}.dataset.lesson, {VIDEO}.paused]") == ["tiny_second", False]
    d.execute_script(f"{VIDEO}.pause()")


def test_a_malformed_fragment_neither_stops_the_player_nor_its_keys(built, driver):
    _, result, _ = built
    d = driver
    d.get_log("browser")
    open_page(d, (result.folder / "index.html").as_uri() + "#lesson-%E0%A4%A")
    assert d.execute_script(f"return {SHOWN}.dataset.lesson") == "tiny_first"
    d.execute_script("document.activeElement.blur()")
    keys(d, "k")
    wait_for(d, f"!{VIDEO}.paused && {VIDEO}.currentTime > 0.2")
    keys(d, "k")
    wait_for(d, f"{VIDEO}.paused")
    assert [e for e in d.get_log("browser") if e["level"] == "SEVERE"] == []


def test_the_current_sentence_is_scrolled_into_the_transcripts_view(built, driver):
    _, result, _ = built
    d = driver
    open_page(d, (result.folder / "index.html").as_uri())
    # a transcript box lower than its text, so that it must scroll to show the sentence being said
    d.execute_script(f"{SHOWN}.querySelector('.transcript').style.maxHeight = '110px'")
    for k in (3, 0, 2):
        start = d.execute_script(f"return parseFloat({SHOWN}.querySelectorAll('button.sentence')[{k}].dataset.start)")
        d.execute_script(f"{VIDEO}.currentTime = arguments[0] + 0.1", start)
        wait_for(d, f"!{VIDEO}.seeking && {SHOWN}.querySelectorAll('button.sentence')[{k}].classList.contains('now')")
        inside = d.execute_script(f"""const box = {SHOWN}.querySelector('.transcript'), s = box.querySelector('.now');
            const b = box.getBoundingClientRect(), r = s.getBoundingClientRect(), head = box.querySelector('.label').getBoundingClientRect();
            return [r.top >= head.bottom - 1, r.bottom <= b.bottom + 1, box.scrollHeight > box.clientHeight]""")
        assert inside == [True, True, True], k


def test_a_long_word_stays_inside_its_lesson_card(built, driver):
    _, result, _ = built
    d = driver
    open_page(d, (result.folder / "index.html").as_uri())
    d.execute_script("document.querySelector('a.lesson-link .name').lastChild.textContent = ' Backpropagation, crossentropy'")
    out = d.execute_script("""const a = document.querySelector('a.lesson-link'), box = a.getBoundingClientRect();
        return [...a.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > box.right + 0.5).map(e => e.className)""")
    assert out == []


def tab_stops(d, limit: int = 200) -> list:
    """From the page's first stop (the skip link), press Tab until the focus leaves the first lesson's section: the elements reached."""
    from selenium.webdriver.common.keys import Keys

    d.execute_script("document.querySelector('a.skip').focus(); window.scrollTo(0, 0)")  # the first stop of the page
    reached, inside = [], False
    for k in range(limit):
        if k:
            keys(d, Keys.TAB)
        where = d.execute_script("""const e = document.activeElement, s = e.closest('section.lesson');
            const st = getComputedStyle(e);
            return [s ? s.dataset.lesson : null, e.tagName + '.' + (e.className || ''), st.outlineStyle, parseFloat(st.outlineWidth)]""")
        if where[0] == "tiny_first":
            inside = True
        elif inside:
            return reached
        reached.append(where)
    raise AssertionError(f"the focus never left the first lesson: {reached[-5:]}")


def test_tab_stops_are_few_and_every_one_shows_its_focus(built, driver):
    _, result, _ = built
    d = driver
    open_page(d, (result.folder / "index.html").as_uri())
    after = tab_stops(d)
    names = [n for _, n, _, _ in after]
    assert names[0] == "A.skip" and names.count("BUTTON.chapter") == 1 and names.count("BUTTON.chapter-head") == 1
    assert names.count("BUTTON.sentence") == 0  # the transcript is one stop: its first button, then the arrows
    assert {"BUTTON.play", "INPUT.seek", "SELECT.speed", "SELECT.cc-size", "BUTTON.cc"} <= set(names)
    assert [n for n, (lesson, _, style, width) in zip(names, after) if lesson and (style != "solid" or width < 3)] == []
    # the arrows move inside the transcript, and Enter on a sentence seeks there
    from selenium.webdriver.common.keys import Keys

    d.execute_script(f"{SHOWN}.querySelector('button.chapter-head').focus()")
    keys(d, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    focused = d.execute_script("return [document.activeElement.className, document.activeElement.dataset.start, document.activeElement.tabIndex]")
    assert focused[0] == "sentence" and focused[2] == 0
    keys(d, Keys.ENTER)
    wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - {focused[1]}) < 0.01")
    # the same page with every chapter and sentence a tab stop of its own, as before the roving tab stops
    d.execute_script("document.querySelectorAll('button[data-start]').forEach(b => { const c = b.cloneNode(true); c.tabIndex = 0; b.replaceWith(c); })")
    before = tab_stops(d)
    print(f"\nTab stops to the end of the first lesson: {len(before)} with every chapter and sentence a stop, {len(after)} now")
    assert len(after) < len(before)


def test_the_players_own_controls(built, driver):
    from selenium.webdriver.support.ui import Select

    _, result, _ = built
    d = driver
    open_page(d, (result.folder / "index.html").as_uri())
    assert d.execute_script(f"return {VIDEO}.controls") is False  # the page's own controls instead
    bar = f"{SHOWN}.querySelector('.controls')"
    Select(d.find_element("css selector", "section.lesson:not([hidden]) select.speed")).select_by_value("1.5")
    assert d.execute_script(f"return {VIDEO}.playbackRate") == 1.5
    d.execute_script("document.activeElement.blur()")
    keys(d, ">")
    wait_for(d, f"{VIDEO}.playbackRate == 1.75 && {bar}.querySelector('.speed').value == '1.75'")
    keys(d, "<", "<", "<", "<", "<")
    assert d.execute_script(f"return {VIDEO}.playbackRate") == 0.75
    medium = d.execute_script(f"return parseFloat(getComputedStyle({SHOWN}).getPropertyValue('--cue-size'))")
    Select(d.find_element("css selector", "section.lesson:not([hidden]) select.cc-size")).select_by_value("x-large")
    large = d.execute_script(f"return parseFloat(getComputedStyle({SHOWN}).getPropertyValue('--cue-size'))")
    assert abs(large / medium - 1.6) < 0.01
    duration = d.execute_script(f"return {VIDEO}.duration")
    marks = d.execute_script(f"return [...{bar}.querySelectorAll('.mark')].map(m => parseFloat(m.style.left))")
    starts = [float(b.get_attribute("data-start")) for b in d.find_elements("css selector", "section.lesson:not([hidden]) button.chapter")]
    assert [round(m, 1) for m in marks] == [round(100 * t / duration, 1) for t in starts[1:]]
    d.find_element("css selector", "section.lesson:not([hidden]) button.play").click()
    wait_for(d, f"!{VIDEO}.paused && {VIDEO}.currentTime > 0.3")
    assert d.execute_script(f"return {bar}.querySelector('.play').textContent") == "Pause"
    d.find_element("css selector", "section.lesson:not([hidden]) button.play").click()
    wait_for(d, f"{VIDEO}.paused")
    d.find_element("css selector", "section.lesson:not([hidden]) button.cc").click()
    assert d.execute_script(f"return [{VIDEO}.textTracks[0].mode, {bar}.querySelector('.cc').getAttribute('aria-pressed')]") == ["hidden", "false"]
    d.execute_script(f"const r = {bar}.querySelector('.seek'); r.value = 4; r.dispatchEvent(new Event('input'))")
    wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - 4) < 0.01")
    from selenium.webdriver.common.keys import Keys

    d.execute_script(f"{bar}.querySelector('.seek').focus()")  # the position bar takes the page's keys: 5 s a step
    keys(d, Keys.ARROW_LEFT)
    wait_for(d, f"!{VIDEO}.seeking && {VIDEO}.currentTime < 0.01 && Math.abs({bar}.querySelector('.seek').value) < 0.01")
    d.find_element("css selector", "section.lesson:not([hidden]) button.full").click()
    wait_for(d, f"document.fullscreenElement == {SHOWN}.querySelector('.screen')")
    inside = d.execute_script(f"""const v = {VIDEO}.getBoundingClientRect(), c = {bar}.getBoundingClientRect();
        return [v.bottom <= c.top + 1, c.bottom <= window.innerHeight + 1, v.height > 0.7 * window.innerHeight]""")
    assert inside == [True, True, True]  # full screen: the picture, and the controls below it on the screen
    d.find_element("css selector", "section.lesson:not([hidden]) button.full").click()
    wait_for(d, "document.fullscreenElement == null")


def test_a_sco_page_shows_its_lesson_without_the_course_header(built, driver, tmp_path):
    _, result, _ = built
    root = unzip(result.folder / "tiny_course.scorm12.zip", tmp_path / "scorm")
    d = driver
    open_page(d, (root / "tiny_first.html").as_uri())
    assert d.find_elements("css selector", ".course-head, nav.course-lessons") == []
    assert d.execute_script("return [document.querySelector('h1').textContent, document.querySelectorAll('h1').length]") == ["Raw scores", 1]
    assert d.execute_script(f"return {VIDEO}.getBoundingClientRect().top") < 120


def axe(d) -> list:
    from course_fixtures.course_helpers import node_file

    d.execute_script(node_file("axe-core", "axe.min.js").read_text(encoding="utf-8"))
    found = d.execute_async_script("const done = arguments[arguments.length - 1];"
                                   "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))])), e => done(String(e)))")
    assert isinstance(found, list), found
    return found


def test_axe_core_finds_no_violation_on_the_course_page_and_the_sco_pages(built, driver, tmp_path):
    _, result, _ = built
    d = driver
    open_page(d, (result.folder / "index.html").as_uri())
    assert axe(d) == []
    for package, page in (("scorm12", "tiny_second.html"), ("cmi5", "tiny_first.html")):
        root = unzip(result.folder / f"tiny_course.{package}.zip", tmp_path / package)
        open_page(d, (root / page).as_uri())
        assert axe(d) == [], package


def test_the_video_uses_the_width_of_the_page(built):
    _, result, _ = built
    d = chrome(1366, 768)
    try:
        open_page(d, (result.folder / "index.html").as_uri())
        width, inner = d.execute_script(f"return [{VIDEO}.getBoundingClientRect().width, window.innerWidth]")
    finally:
        d.quit()
    print(f"\nvideo {width:.0f} px wide in a {inner} px window")
    assert inner == 1366 and width >= 0.53 * inner  # 642 px (0.47) before


# ---- SCORM 1.2 ----

def play_until(d, video: str, condition: str, rate: float, timeout: float = 30.0) -> None:
    d.execute_script(f"{video}.playbackRate = arguments[0]; return {video}.play()", rate)
    wait_for(d, condition, timeout)
    d.execute_script(f"{video}.pause()")


def statuses(calls):
    return [c[2] for c in calls if c[:2] == ["LMSSetValue", "cmi.core.lesson_status"]]


def errors(calls):
    """The calls after which scorm-again's LMSGetLastError was not 0, or that did not return "true" (a get returns a value)."""
    return [c for c in calls if c[-1] != "0" or (c[0] != "LMSGetValue" and c[-2] != "true")]


def scorm_session(d, server, sco: str = "tiny_first.html"):
    """Open the LMS page with the SCO in its iframe; the driver is left inside the SCO."""
    d.switch_to.default_content()
    d.get(server.url + f"scorm_lms.html?sco={sco}")
    wait_for(d, "window.calls && window.calls.length >= 2")
    d.switch_to.frame("sco")
    wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1")
    assert d.execute_script("return window.lessonPlayer.lms") == "scorm12"


def leave_sco(d) -> list:
    """The learner leaves the SCO (its frame goes elsewhere): the calls of the session, the last LMSFinish."""
    d.switch_to.default_content()
    d.execute_script("document.getElementById('sco').src = 'about:blank'")
    wait_for(d, "window.calls.length && window.calls[window.calls.length - 1][0] == 'LMSFinish'")
    return d.execute_script("return window.calls")


def lms_server(built, tmp_path: Path) -> Server:
    """The tiny course's SCORM package unzipped beside the tests' LMS page (scorm-again as its API), served on 127.0.0.1."""
    _, result, _ = built
    root = unzip(result.folder / "tiny_course.scorm12.zip", tmp_path / "scorm")
    copy_lms_page(root)
    return Server(root)


def test_scorm_sco_reports_completed_only_after_90_percent_played(built, driver, tmp_path):
    server = lms_server(built, tmp_path)
    d = driver
    try:
        started = time.monotonic()
        scorm_session(d, server)
        duration = d.execute_script(f"return {VIDEO}.duration")
        # a seek to the end, and the end played: not watched
        d.execute_script(f"{VIDEO}.currentTime = {VIDEO}.duration - 0.4")
        wait_for(d, f"!{VIDEO}.seeking")
        play_until(d, VIDEO, f"{VIDEO}.ended", 1)
        assert d.execute_script("return window.lessonPlayer.watched('tiny_first')") < 0.5
        # then 75 % from the start: still not 90 %
        d.execute_script(f"{VIDEO}.currentTime = 0")
        wait_for(d, f"!{VIDEO}.seeking")
        play_until(d, VIDEO, f"{VIDEO}.currentTime >= 0.75 * {VIDEO}.duration", 2)
        watched = d.execute_script("return window.lessonPlayer.watched('tiny_first')")
        assert 0.75 * duration <= watched < 0.9 * duration
        d.switch_to.default_content()
        assert statuses(d.execute_script("return window.calls")) == ["incomplete"]
        d.switch_to.frame("sco")
        play_until(d, VIDEO, f"{VIDEO}.ended", 2)
        assert d.execute_script("return window.lessonPlayer.watched('tiny_first')") >= 0.9 * duration
        d.switch_to.default_content()
        wait_for(d, "window.calls.some(c => c[2] == 'completed')")
        calls = leave_sco(d)
        record = d.execute_script("return window.record")
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert errors(calls) == []
    assert calls[:4] == [["LMSInitialize", "", "true", "0"], ["LMSGetValue", "cmi.core.lesson_status", "not attempted", "0"],
                         ["LMSGetValue", "cmi.core.entry", "ab-initio", "0"],
                         ["LMSSetValue", "cmi.core.lesson_status", "incomplete", "true", "0"]]
    assert statuses(calls) == ["incomplete", "completed"]
    assert [c[1:3] for c in calls if c[0] == "LMSSetValue" and c[1] == "cmi.core.exit"] == [["cmi.core.exit", ""]]  # finished
    (session,) = [c[2] for c in calls if c[:2] == ["LMSSetValue", "cmi.core.session_time"]]
    assert [c[0] for c in calls[-2:]] == ["LMSCommit", "LMSFinish"]
    assert record["lesson_status"] == "completed" and record["exit"] == ""
    m = re.fullmatch(r"(\d{2,4}):(\d{2}):(\d{2}\.\d{2})", session)  # CMITimespan
    assert m is not None
    seconds = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    assert 0.4 + 0.75 * duration / 2 < seconds <= elapsed  # at least the time played, at most the test's


def test_scorm_resume_continues_where_the_learner_left_and_completes_across_sessions(built, driver, tmp_path):
    """Session 1 watches about 40 % and leaves; session 2 starts there, plays the rest (about 60 %, less than 90 %
    on its own) and completes the lesson, because what session 1 watched was kept in cmi.suspend_data."""
    server = lms_server(built, tmp_path)
    d = driver
    try:
        scorm_session(d, server)
        duration = d.execute_script(f"return {VIDEO}.duration")
        play_until(d, VIDEO, f"{VIDEO}.currentTime >= 0.4 * {VIDEO}.duration", 2)
        left_at = d.execute_script(f"return {VIDEO}.currentTime")
        first_watched = d.execute_script("return window.lessonPlayer.watched('tiny_first')")
        first = leave_sco(d)
        record = d.execute_script("return window.record")
        # session 2, in the same LMS
        scorm_session(d, server)
        wait_for(d, f"!{VIDEO}.seeking && Math.abs({VIDEO}.currentTime - {round(left_at, 1)}) < 0.15")
        resumed_at = d.execute_script(f"return {VIDEO}.currentTime")
        assert abs(d.execute_script("return window.lessonPlayer.watched('tiny_first')") - first_watched) < 0.2
        assert d.execute_script("return window.lessonPlayer.completed('tiny_first')") is False
        play_until(d, VIDEO, f"{VIDEO}.ended", 2)
        total = d.execute_script("return window.lessonPlayer.watched('tiny_first')")
        d.switch_to.default_content()
        wait_for(d, "window.calls.some(c => c[2] == 'completed')")
        second = leave_sco(d)
        final = d.execute_script("return window.record")
    finally:
        server.close()
    print(f"\nSCORM resume: duration {duration:.2f} s, left at {left_at:.2f} s after watching {first_watched:.2f} s, "
          f"resumed at {resumed_at:.2f} s, watched {total:.2f} s over two sessions")
    assert errors(first) == [] and errors(second) == []
    assert 0.35 * duration < first_watched < 0.6 * duration
    assert statuses(first) == ["incomplete"]
    assert record["exit"] == "suspend" and record["lesson_status"] == "incomplete"
    assert record["lesson_location"] == f"{left_at:.1f}"
    m = re.fullmatch(r"1:([0-9a-z]+)\.([0-9a-z]+)", record["suspend_data"])  # one span, from 0, in tenths, base 36
    assert m is not None and int(m[1], 36) == 0 and abs(int(m[2], 36) / 10 - first_watched) <= 0.1
    assert second[:3] == [["LMSInitialize", "", "true", "0"], ["LMSGetValue", "cmi.core.lesson_status", "incomplete", "0"],
                          ["LMSGetValue", "cmi.core.entry", "resume", "0"]]
    assert ["LMSGetValue", "cmi.core.lesson_location", f"{left_at:.1f}", "0"] in second
    assert abs(resumed_at - left_at) < 0.15
    assert duration - resumed_at < 0.9 * duration <= total  # this session alone could not complete; both did
    assert statuses(second) == ["completed"]
    assert final["lesson_status"] == "completed" and final["exit"] == ""


def test_suspend_data_stays_within_scorm_12s_limit_for_the_longest_lesson(built, driver):
    """The watched spans of a long lesson watched in many pieces fit cmi.suspend_data's 4,096 characters, and what
    is kept never claims more than was watched."""
    _, result, _ = built
    d = driver
    d.get((result.folder / "index.html").as_uri())
    wait_for(d, "window.lessonPlayer")
    spans = [[k * 7.3 + 0.05, k * 7.3 + 3.1 + (k % 5)] for k in range(800)]  # 800 pieces over about 97 minutes
    packed = d.execute_script("return window.lessonPlayer.pack(arguments[0], 4096)", spans)
    back = d.execute_script("return window.lessonPlayer.unpack(arguments[0])", packed)
    assert len(packed) <= 4096 and 300 < len(back) < 800
    for a, b in back:
        assert any(x - 1e-9 <= a and b <= y + 1e-9 for x, y in spans)  # inside a span that was watched
    whole = [[0.0, 5820.0]]  # the longest lesson, watched at once: one span
    assert d.execute_script("return window.lessonPlayer.unpack(window.lessonPlayer.pack(arguments[0], 4096))", whole) == [[0, 5820]]


def test_sco_plays_normally_without_an_lms(built, driver, tmp_path):
    _, result, _ = built
    root = unzip(result.folder / "tiny_course.scorm12.zip", tmp_path / "scorm")
    server = Server(root)
    d = driver
    try:
        d.get_log("browser")  # what earlier pages logged
        d.get(server.url + "tiny_second.html")
        wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1")
        assert d.execute_script("return window.lessonPlayer.lms") == "none"
        assert d.find_elements("css selector", "a.lesson-link") == []  # one lesson: no course list
        play_until(d, VIDEO, f"{VIDEO}.currentTime > 0.5", 1)
        assert [e for e in d.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []  # no request failed
    finally:
        server.close()


# ---- cmi5 ----

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
VERB = "http://adlnet.gov/expapi/verbs/"
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


class StrictLMS:
    """A cmi5 LMS's side of launches, strict about the specification's MUSTs for an AU, on 127.0.0.1.

    Per launch (:meth:`launch`): a fetch URL that gives its token once; the LMS.LaunchData state document (contextTemplate
    with this session's id, launchMode, moveOn, returnURL); the learner's cmi5LearnerPreferences agent profile; the AU's
    own state documents (kept per registration). Every request after the fetch must carry the token and the xAPI
    version. A statement is refused (400) and the reason kept in ``violations`` unless LaunchData and the preferences
    were read first in this session, the first statement is ``initialized``, nothing follows ``terminated``, ``completed``
    comes at most once per registration (and only in Normal mode) with the moveon category, and actor, object,
    registration, session id and the template's context are the LMS's own. ``events`` keeps the order of everything."""

    def __init__(self, activity: str, course: str, actor: dict, returns: str):
        self.activity, self.course, self.actor, self.returns = activity, course, actor, returns
        self.lock = threading.Lock()
        self.events: list[tuple[int, str]] = []  # (launch number, what)
        self.violations: list[str] = []
        self.statements: list[tuple[int, dict]] = []
        self.states: dict[tuple[str, str], dict] = {}
        self.completed: set[str] = set()
        self.sessions: list[dict] = []
        self.fail_launch_data = False
        self.preferences: dict | None = None

    def launch(self, registration: str, mode: str = "Normal") -> dict:
        n = len(self.sessions) + 1
        session = {"n": n, "registration": registration, "mode": mode, "id": str(uuid.uuid4()), "token": f"dG9rZW4t{n}",
                   "fetched": False, "launch_data": False, "preferences": False, "verbs": []}
        self.sessions.append(session)
        return session

    def _bad(self, n: int, why: str):
        self.violations.append(f"launch {n}: {why}")
        return 400, {"error": why}

    def _session(self, headers) -> dict | None:
        auth = headers.get("Authorization")
        for s in self.sessions:
            if auth == f"Basic {s['token']}" and s["fetched"]:
                return s
        return None

    def __call__(self, method, path, headers, body):
        url = urlparse(path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.lock:
            if url.path == "/return.html":
                self.events.append((self.sessions[-1]["n"], "returned"))
                return None  # the file itself
            if not url.path.startswith("/lrs/"):
                return None
            if url.path == "/lrs/fetch":
                s = self.sessions[int(q["launch"]) - 1]
                self.events.append((s["n"], "fetch"))
                if method != "POST":
                    return self._bad(s["n"], "the fetch URL takes POST")
                if s["fetched"]:
                    self.violations.append(f"launch {s['n']}: the fetch URL was used twice")
                    return 200, {"error-code": "1", "error-text": "already in use"}
                s["fetched"] = True
                return 200, {"auth-token": s["token"]}
            s = self._session(headers)
            if s is None or headers.get("X-Experience-API-Version") != "1.0.3":
                self.violations.append(f"{method} {url.path}: no token of a launch, or no xAPI version")
                return 401, None
            n = s["n"]
            agent_ok = "agent" in q and json.loads(q["agent"]) == self.actor
            if url.path == "/lrs/activities/state":
                if not agent_ok or q.get("activityId") != self.activity or q.get("registration") != s["registration"]:
                    return self._bad(n, f"state request for another learner, AU or registration: {q}")
                if q.get("stateId") == "LMS.LaunchData":
                    self.events.append((n, "launch data"))
                    if method != "GET":
                        return self._bad(n, "the AU must not write LMS.LaunchData")
                    if self.fail_launch_data:
                        return 500, {"error": "the LMS is down"}
                    s["launch_data"] = True
                    return 200, {"contextTemplate": {"contextActivities": {"grouping": [{"id": self.activity, "objectType": "Activity"}]},
                                                     "extensions": {SESSION_ID: s["id"]}},
                                 "launchMode": s["mode"], "moveOn": "Completed", "launchMethod": "AnyWindow", "returnURL": self.returns}
                if not s["launch_data"]:
                    return self._bad(n, "a state document before LMS.LaunchData")
                key = (s["registration"], q.get("stateId", ""))
                self.events.append((n, f"state {method}"))
                if method == "GET":
                    return (200, self.states[key]) if key in self.states else (404, None)
                if method == "PUT":
                    self.states[key] = json.loads(body)
                    return 204, None
                return self._bad(n, f"state {method}")
            if url.path == "/lrs/agents/profile" and method == "GET":
                self.events.append((n, "preferences"))
                if not agent_ok or q.get("profileId") != "cmi5LearnerPreferences":
                    return self._bad(n, f"agent profile request: {q}")
                s["preferences"] = True
                return (200, self.preferences) if self.preferences is not None else (404, None)
            if url.path == "/lrs/statements" and method == "POST":
                st = json.loads(body)
                verb = st.get("verb", {}).get("id", "").removeprefix(VERB)
                self.events.append((n, verb))
                if not (s["launch_data"] and s["preferences"]):
                    return self._bad(n, f"{verb} before LMS.LaunchData and the learner's preferences were read")
                if not s["verbs"] and verb != "initialized":
                    return self._bad(n, f"the first statement is {verb}, not initialized")
                if "terminated" in s["verbs"]:
                    return self._bad(n, f"{verb} after terminated")
                if verb not in ("initialized", "completed", "terminated"):
                    return self._bad(n, f"unexpected verb {verb}")
                context = st.get("context", {})
                categories = [c.get("id") for c in context.get("contextActivities", {}).get("category", [])]
                checks = {
                    "a UUID statement id": UUID4.fullmatch(st.get("id", "")) is not None
                                           and all(st["id"] != o["id"] for _, o in self.statements),
                    "the launch's actor": st.get("actor") == self.actor,
                    "the AU as object": st.get("object") == {"id": self.activity, "objectType": "Activity"},
                    "the registration": context.get("registration") == s["registration"],
                    "the LMS's session id": context.get("extensions", {}).get(SESSION_ID) == s["id"],
                    "the template's grouping": context.get("contextActivities", {}).get("grouping") == [{"id": self.activity, "objectType": "Activity"}],
                    "the cmi5 category": CMI5_CATEGORY in categories,
                    "moveon only on completed": (MOVEON in categories) == (verb == "completed"),
                }
                for what, ok in checks.items():
                    if not ok:
                        return self._bad(n, f"{verb} without {what}")
                if verb == "completed":
                    if s["registration"] in self.completed:
                        return self._bad(n, "a second completed in one registration")
                    if s["mode"] != "Normal" or st.get("result", {}).get("completion") is not True:
                        return self._bad(n, "completed outside Normal mode or without result.completion")
                    self.completed.add(s["registration"])
                s["verbs"].append(verb)
                self.statements.append((n, st))
                return 200, [st["id"]]
            return self._bad(n, f"unexpected {method} {url.path}")

    def query(self, server, session: dict) -> str:
        return urlencode({"endpoint": server.url + "lrs/", "fetch": server.url + f"lrs/fetch?launch={session['n']}",
                          "actor": json.dumps(self.actor), "registration": session["registration"], "activityId": self.activity})


def cmi5_setup(built, tmp_path):
    from lesson.course import packages

    course, result, _ = built
    root = unzip(result.folder / "tiny_course.cmi5.zip", tmp_path / "cmi5")
    (root / "return.html").write_text("<!doctype html><title>The LMS</title><p>Back in the LMS.</p>")
    activity = packages.au_iri(course, "tiny_first")
    actor = {"objectType": "Agent", "account": {"homePage": "http://lms.example", "name": "learner-1"}, "name": "Test Learner"}
    lms = StrictLMS(activity, packages.course_iri(course), actor, "")
    server = Server(root, lms)
    lms.returns = server.url + "return.html"
    return lms, server


def until(condition, timeout: float = 20.0) -> None:
    """Wait for ``condition()`` (on the test's side, such as a request the server received) to hold."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for the LMS to receive it")
        time.sleep(0.05)


def verbs_of(lms, n: int) -> list[str]:
    return [st["verb"]["id"].removeprefix(VERB) for k, st in lms.statements if k == n]


def test_cmi5_au_by_the_book_across_two_launches(built, driver, tmp_path):
    """Launch 1: LaunchData and preferences (audio off, French then English) before any statement; the lesson played
    through sends completed; the exit button sends terminated and goes to returnURL. Launch 2 in the same registration:
    it starts muted again, never sends a second completed, and terminates as the learner leaves."""
    lms, server = cmi5_setup(built, tmp_path)
    lms.preferences = {"languagePreference": "fr-FR,en-US", "audioPreference": "off"}
    registration = str(uuid.uuid4())
    d = driver
    try:
        first = lms.launch(registration)
        d.get(server.url + "tiny_first.html?" + lms.query(server, first))
        wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1")
        assert d.execute_script("return window.lessonPlayer.lms") == "cmi5"
        wait_for(d, "!document.querySelector('button.exit').hidden")  # shown once initialized was accepted
        assert d.execute_script(f"return [{VIDEO}.muted, {VIDEO}.textTracks[0].language, {VIDEO}.textTracks[0].mode]") == [True, "en", "showing"]
        play_until(d, VIDEO, f"{VIDEO}.ended", 3)
        until(lambda: "completed" in verbs_of(lms, 1))
        d.find_element("css selector", "button.exit").click()
        wait_for(d, f"location.href == {json.dumps(lms.returns)}")
        second = lms.launch(registration)
        d.get(server.url + "tiny_first.html?" + lms.query(server, second))
        wait_for(d, f"window.lessonPlayer && {VIDEO}.readyState >= 1 && !document.querySelector('button.exit').hidden")
        wait_for(d, "window.lessonPlayer.completed('tiny_first')")  # what launch 1 watched, from the AU's state
        assert d.execute_script(f"return {VIDEO}.muted") is True
        play_until(d, VIDEO, f"{VIDEO}.currentTime > 1", 2)
        d.get("about:blank")  # the learner closes the lesson: terminated, sent as the page goes
        until(lambda: verbs_of(lms, 2)[-1:] == ["terminated"])
    finally:
        server.close()
    assert lms.violations == []
    assert verbs_of(lms, 1) == ["initialized", "completed", "terminated"]
    assert verbs_of(lms, 2) == ["initialized", "terminated"]
    order = [what for n, what in lms.events if n == 1]
    assert order[:4] == ["fetch", "launch data", "preferences", "state GET"] and order.index("initialized") == 4
    assert order[-1] == "returned" and order[-2] == "terminated"
    assert [what for n, what in lms.events if n == 2][:5] == ["fetch", "launch data", "preferences", "state GET", "initialized"]
    by_verb = {(n, st["verb"]["id"].removeprefix(VERB)): st for n, st in lms.statements}
    completed, terminated = by_verb[(1, "completed")], by_verb[(1, "terminated")]
    assert "result" not in by_verb[(1, "initialized")]
    assert completed["result"]["completion"] is True and re.fullmatch(r"PT\d+\.\d{2}S", completed["result"]["duration"])
    assert float(terminated["result"]["duration"][2:-1]) >= float(completed["result"]["duration"][2:-1])
    assert lms.states[(registration, "lesson-progress")]["completed"] is True


def test_cmi5_au_that_cannot_read_its_launch_data_sends_nothing_and_tells_the_learner(built, driver, tmp_path):
    lms, server = cmi5_setup(built, tmp_path)
    lms.fail_launch_data = True
    d = driver
    try:
        session = lms.launch(str(uuid.uuid4()))
        d.get(server.url + "tiny_first.html?" + lms.query(server, session))
        wait_for(d, "window.lessonPlayer && !document.querySelector('.lms-message').hidden")
        message = d.find_element("css selector", ".lms-message")
        assert message.is_displayed() and "progress is not recorded" in message.text and "launch data: HTTP 500" in message.text
        assert d.find_element("css selector", "button.exit").is_displayed() is False
        play_until(d, VIDEO, f"{VIDEO}.currentTime > 1", 2)  # the lesson itself still plays
        d.get("about:blank")
        d.get(server.url + "return.html")  # a request after the page left: whatever it sent has arrived by now
    finally:
        server.close()
    assert [what for _, what in lms.events] == ["fetch", "launch data", "returned"]
    assert lms.statements == [] and lms.violations == []


if __name__ == "__main__":  # the README's screenshot of a built course
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    browser = chrome(1440, 1010)
    try:
        screenshot(browser, Path(sys.argv[1]), Path(sys.argv[2]), at=float(__import__("os").environ.get("AT", "20")))
    finally:
        browser.quit()
    print(sys.argv[2])
