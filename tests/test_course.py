"""Courses without a browser: the course file and its errors, the build, the manifest, the SCORM and cmi5 XML."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from course_fixtures.course_helpers import COURSE, HERE, build_tiny_course
from lesson.cli import cli
from lesson.course import packages
from lesson.course.load import check_course, looks_like_course
from lesson.course.page import Cue, parse_vtt, sentences
from lesson.base.errors import LessonError

ROOT = Path(__file__).resolve().parents[1]
CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    return build_tiny_course(tmp_path_factory.mktemp("course"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- the course file ----

def test_a_course_file_is_told_from_a_lesson_script():
    assert looks_like_course(COURSE)
    assert not looks_like_course(HERE / "tiny_first.yaml")
    assert looks_like_course(ROOT / "lessons" / "course.yaml")


def test_course_file_problems_are_all_reported_at_file_line_col(tmp_path):
    shutil.copy(HERE / "tiny_first.yaml", tmp_path / "good.yaml")
    (tmp_path / "twin.yaml").write_text((HERE / "tiny_first.yaml").read_text().replace("title: Raw scores", "title: Twin"))
    (tmp_path / "broken.yaml").write_text((HERE / "tiny_second.yaml").read_text().replace("kind: text", "kind: txet"))
    course = tmp_path / "course.yaml"
    course.write_text(
        "id: Bad Course\n"
        "titel: Oops\n"
        "lessons:\n"
        "  - missing.yaml\n"
        "  - good.yaml\n"
        "  - good.yaml\n"
        "  - section: Later\n"
        "    lesons: [x.yaml]\n"
        "  - twin.yaml\n"
        "  - broken.yaml\n"
        "  - ../outside.yaml\n"
    )
    with pytest.raises(LessonError) as info:
        check_course(course)
    broken_line = next(n for n, line in enumerate((tmp_path / "broken.yaml").read_text().splitlines(), 1) if "kind: txet" in line)
    c = str(course)
    assert sorted(str(p) for p in info.value.problems) == sorted([
        f"{c}:1:1: missing required key 'title'",
        f"{c}:1:5: id: 'Bad Course' is not allowed here: use lower-case letters, digits, - and _ (it names the course folder)",
        f"{c}:2:1: unknown key 'titel'; did you mean 'title'?",
        f"{c}:4:5: lesson script 'missing.yaml' not found next to the course file",
        f"{c}:6:5: the lesson 'good.yaml' is listed twice (first at line 5); a course names each lesson once",
        f"{c}:7:5: lesson 4: a section needs 'section' (its title) and 'lessons' (its scripts); missing 'lessons'",
        f"{c}:8:5: lesson 4: unknown key 'lesons'; did you mean 'lessons'?",
        f"{c}:9:5: the lesson 'twin.yaml' has the id 'tiny_first', as 'good.yaml' (line 5) has; lesson ids name the folders of a course, so each must differ",
        f"{c}:11:5: lesson script '../outside.yaml' is outside the course file's folder (pass --allow-outside to allow it)",
        f"{tmp_path / 'broken.yaml'}:{broken_line}:11: step 2 kind: unknown step kind 'txet'; did you mean 'text'? (kinds: "
        + ", ".join(__import__("lesson.script.model", fromlist=["STEP_KINDS"]).STEP_KINDS) + ")",
    ])


def test_check_command_accepts_a_course_and_names_its_problems(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", str(COURSE)])
    assert (ok.exit_code, ok.output) == (0, f"{COURSE}: ok\n")
    bad = tmp_path / "course.yaml"
    bad.write_text("id: x\ntitle: X\nlessons: [nowhere.yaml]\n")
    result = runner.invoke(cli, ["check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3:11: lesson script 'nowhere.yaml' not found next to the course file" in result.output


def test_the_real_course_checks():
    course = check_course(ROOT / "lessons" / "course.yaml")
    ids = [lesson.id for lesson in course.lessons]
    assert ids[:4] == ["dosage_squiggle", "backprop_b3", "argmax_softmax", "activation_functions"]


# ---- the transcript's sentences ----

def test_sentences_start_where_their_first_word_is_on_screen():
    cues = [Cue(0.3, 2.0, "A forecast starts. Each class"), Cue(2.0, 3.0, "gets one."), Cue(4.5, 6.0, "New chapter, no stop")]
    got = sentences(cues, [("One", 0.0, 4.0), ("Two", 4.0, 7.0)])
    # "Each" is character 19 of the 29 of the first cue: 0.3 + 1.7 * 19 / 29 = 1.41379...
    assert [[(s.start, s.text) for s in group] for group in got] == [
        [(0.3, "A forecast starts."), (1.414, "Each class gets one.")],
        [(4.5, "New chapter, no stop")],
    ]


def test_vtt_parsing_reads_what_the_lesson_package_writes():
    text = "WEBVTT\n\n1\n00:00:00.299 --> 00:00:02.049\nA forecast starts\nwith two scores.\n\n2\n01:02:03.004 --> 01:02:04.500\nEnd.\n"
    assert parse_vtt(text) == [Cue(0.299, 2.049, "A forecast starts with two scores."), Cue(3723.004, 3724.5, "End.")]


# ---- the build ----

def test_course_folder_has_every_file_and_the_manifest_hashes_them(built):
    course, result, _ = built
    folder = result.folder
    manifest = json.loads((folder / "course.json").read_text())
    assert manifest["course"] == "tiny_course" and manifest["title"] == "Scores and forecasts"
    names = sorted(f["name"] for f in manifest["files"])
    assert names == sorted(["index.html", "player.js", "player.css", "tiny_course.scorm12.zip", "tiny_course.cmi5.zip"])
    for f in manifest["files"]:
        assert (f["bytes"], f["sha256"]) == ((folder / f["name"]).stat().st_size, sha(folder / f["name"]))
    assert [(x["id"], x["section"], x["script"]) for x in manifest["lessons"]] == [
        ("tiny_first", None, "tiny_first.yaml"), ("tiny_second", "Deciding", "tiny_second.yaml")]
    for entry in manifest["lessons"]:
        own = json.loads((folder / entry["id"] / f"{entry['id']}.json").read_text())
        assert (entry["duration"], entry["build_key"], entry["chapters"]) == (own["duration"], own["build_key"], own["chapters"])
        for f in entry["files"]:
            assert (f["bytes"], f["sha256"]) == ((folder / f["name"]).stat().st_size, sha(folder / f["name"]))
        assert {f["name"] for f in entry["files"]} == {f"{entry['id']}/{p.name}" for p in (folder / entry["id"]).iterdir()}
    assert manifest["duration"] == round(sum(x["duration"] for x in manifest["lessons"]), 3)
    assert [p.name for p in folder.rglob(".*")] == []  # no work file or lock left behind


def test_a_course_where_nothing_changed_writes_nothing(built):
    from lesson.course.build import build_course

    course, result, base = built
    before = {p: p.stat().st_mtime_ns for p in result.folder.rglob("*") if p.is_file()}
    again = build_course(check_course(COURSE), base / "out", quality="low", jobs=2, cache_dir=base / "cache")
    assert again.written is False
    assert all(r.cached for _, b in again.lessons for r in b.steps)
    assert {p: p.stat().st_mtime_ns for p in result.folder.rglob("*") if p.is_file()} == before


def test_a_changed_course_file_is_written_again(built, tmp_path):
    from lesson.course.build import build_course

    _, _, base = built
    for name in ("tiny_first.yaml", "tiny_second.yaml"):
        shutil.copy(HERE / name, tmp_path / name)
    text = COURSE.read_text().replace("title: Scores and forecasts", "title: Scores, again")
    (tmp_path / "course.yaml").write_text(text)
    out = tmp_path / "out"
    result = build_course(check_course(tmp_path / "course.yaml"), out, quality="low", jobs=2, cache_dir=base / "cache")
    assert result.written
    assert "<h1>Scores, again</h1>" in (out / "tiny_course" / "index.html").read_text()
    assert json.loads((out / "tiny_course" / "course.json").read_text())["title"] == "Scores, again"


def test_course_build_command(built, tmp_path):
    _, _, base = built
    result = CliRunner().invoke(cli, ["course", "build", str(COURSE), "-q", "low", "-o", str(tmp_path), "-j", "1", "--cache-dir", str(base / "cache")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "tiny_course"
    assert f"{folder / 'index.html'}\n" in result.output and f"{folder / 'course.json'}\n" in result.output
    assert (folder / "tiny_course.scorm12.zip").read_bytes() == (built[1].folder / "tiny_course.scorm12.zip").read_bytes()  # reproducible


def test_index_page_is_offline_and_has_both_tracks_for_every_lesson(built):
    _, result, _ = built
    page = (result.folder / "index.html").read_text()
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == []  # nothing fetched from the network
    assert re.findall(r"<script[^>]*>", page) == ['<script src="player.js">']
    for lesson in ("tiny_first", "tiny_second"):
        assert f'<source src="{lesson}/{lesson}.mp4" type="video/mp4">' in page
    assert page.count('<track kind="captions"') == 2 and page.count('<track kind="chapters"') == 2
    assert "Two scores" in page and "The larger score" in page


# ---- SCORM 1.2 and cmi5 ----

def test_scorm_manifest_is_well_formed_with_the_required_elements(built):
    _, result, _ = built
    with zipfile.ZipFile(result.folder / "tiny_course.scorm12.zip") as z:
        names = set(z.namelist())
        root = ET.fromstring(z.read("imsmanifest.xml"))
    q = lambda tag: f"{{{CP}}}{tag}"  # noqa: E731
    assert root.tag == q("manifest") and root.get("identifier")
    assert (root.findtext(f"{q('metadata')}/{q('schema')}"), root.findtext(f"{q('metadata')}/{q('schemaversion')}")) == ("ADL SCORM", "1.2")
    orgs = root.find(q("organizations"))
    (org,) = orgs.findall(q("organization"))
    assert orgs.get("default") == org.get("identifier")
    assert org.findtext(q("title")) == "Scores and forecasts"
    items = [i for i in org.iter(q("item")) if i.get("identifierref")]
    assert [i.findtext(q("title")) for i in items] == ["Raw scores", "The larger score"]
    (section,) = [i for i in org.iter(q("item")) if not i.get("identifierref")]
    assert section.findtext(q("title")) == "Deciding" and [i.findtext(q("title")) for i in section.findall(q("item"))] == ["The larger score"]
    resources = {r.get("identifier"): r for r in root.find(q("resources")).findall(q("resource"))}
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z_][\w.-]*", i) for i in ids)  # xs:ID
    for item in items:
        res = resources[item.get("identifierref")]
        assert (res.get("type"), res.get(f"{{{ADLCP}}}scormtype")) == ("webcontent", "sco")
        assert res.get("href") in names and res.get("href").endswith(".html")
        for dep in res.findall(q("dependency")):
            assert dep.get("identifierref") in resources
    listed = {f.get("href") for r in resources.values() for f in r.findall(q("file"))}
    control = {"imsmanifest.xml", *packages.SCORM_SCHEMA_FILES}  # the package's own files, not the course's
    assert listed == names - control  # every file of the course in the package is declared, and every declared file is there


def test_scorm_package_ships_its_schemas_and_the_manifest_is_valid_against_them(built, tmp_path):
    import xmlschema

    _, result, _ = built
    with zipfile.ZipFile(result.folder / "tiny_course.scorm12.zip") as z:
        z.extractall(tmp_path)
    for name in packages.SCORM_SCHEMA_FILES:  # at the root, where the manifest's schemaLocation names them
        assert (tmp_path / name).read_bytes() == (packages.SCORM_SCHEMAS / name).read_bytes()
    locations = ET.fromstring((tmp_path / "imsmanifest.xml").read_bytes()).get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").split()
    assert {loc for loc in locations[1::2]} <= set(packages.SCORM_SCHEMA_FILES)
    # ADL's ims_xml.xsd binds the default prefix to the XML namespace, which Python's parser refuses; "lax" lets
    # xmlschema use its own copy of that namespace (xml:lang, xml:base) and read everything else from the package
    schema = xmlschema.XMLSchema10(str(tmp_path / "adlcp_rootv1p2.xsd"), validation="lax")
    assert {CP, ADLCP} <= set(schema.maps.namespaces)
    schema.validate(str(tmp_path / "imsmanifest.xml"))
    wrong = (tmp_path / "imsmanifest.xml").read_text().replace('adlcp:scormtype="sco"', 'adlcp:scormtype="lesson"', 1)
    assert "lesson" in wrong and not schema.is_valid(wrong)  # the schemas do check: a SCO's type is sco or asset


def test_cmi5_structure_is_well_formed_with_the_required_elements(built):
    _, result, _ = built
    with zipfile.ZipFile(result.folder / "tiny_course.cmi5.zip") as z:
        names = set(z.namelist())
        root = ET.fromstring(z.read("cmi5.xml"))
    q = lambda tag: f"{{{CMI5}}}{tag}"  # noqa: E731
    assert root.tag == q("courseStructure")
    course = root.find(q("course"))
    base = "urn:lesson:tiny_course:" + (HERE / "course.uuid").read_text().strip()  # the default: course id and kept UUID
    assert course.get("id") == base
    assert course.find(f"{q('title')}/{q('langstring')}").text == "Scores and forecasts"
    assert course.find(f"{q('description')}/{q('langstring')}").get("lang") == "en"
    aus = list(root.iter(q("au")))
    assert [au.get("id") for au in aus] == [f"{base}/tiny_first", f"{base}/tiny_second"]
    for au in aus:
        assert [c.tag for c in au] == [q("title"), q("description"), q("url")]  # the order the schema requires
        assert au.get("moveOn") == "Completed" and au.get("launchMethod") == "AnyWindow"
        assert au.findtext(q("url")) in names
    (block,) = root.findall(q("block"))
    assert block.get("id") == f"{base}/section-1"
    assert block.find(f"{q('title')}/{q('langstring')}").text == "Deciding" and len(block.findall(q("au"))) == 1
    assert {"player.js", "player.css", "tiny_first/tiny_first.mp4", "tiny_second/tiny_second.vtt"} <= names


def test_zips_are_reproducible(tmp_path):
    from lesson.course.packages import write_zip

    (tmp_path / "v.mp4").write_bytes(b"\x00" * 1000)
    members = [("b.txt", b"bee"), ("a/v.mp4", tmp_path / "v.mp4")]
    write_zip(tmp_path / "one.zip", members)
    write_zip(tmp_path / "two.zip", list(reversed(members)))
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as z:
        assert [(i.filename, i.compress_type) for i in z.infolist()] == [("a/v.mp4", zipfile.ZIP_STORED), ("b.txt", zipfile.ZIP_DEFLATED)]


def test_cmi5_ids_come_from_id_base_or_a_uuid_kept_beside_the_course(tmp_path):
    for name in ("tiny_first.yaml", "tiny_second.yaml"):
        shutil.copy(HERE / name, tmp_path / name)
    (tmp_path / "course.yaml").write_text(COURSE.read_text())
    course = check_course(tmp_path / "course.yaml")
    assert not (tmp_path / "course.uuid").exists()  # checking writes nothing
    first = course.id_base  # the first build's question makes the UUID, kept beside the course file
    kept = (tmp_path / "course.uuid").read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", kept)
    assert first == f"urn:lesson:tiny_course:{kept}" and check_course(tmp_path / "course.yaml").id_base == first
    other = tmp_path / "other"
    other.mkdir()
    for name in ("tiny_first.yaml", "tiny_second.yaml", "course.yaml"):
        shutil.copy(tmp_path / name, other / name)
    assert check_course(other / "course.yaml").id_base != first  # the same course id elsewhere: other ids
    (tmp_path / "course.yaml").write_text(COURSE.read_text() + "id_base: https://courses.example.org/nn/\n")
    given = check_course(tmp_path / "course.yaml")
    xml = ET.fromstring(packages.cmi5_structure(given, [("tiny_first", "T", "D", None, "tiny_first.html")]))
    assert xml.find(f"{{{CMI5}}}course").get("id") == "https://courses.example.org/nn"
    assert [au.get("id") for au in xml.iter(f"{{{CMI5}}}au")] == ["https://courses.example.org/nn/tiny_first"]
    (tmp_path / "course.yaml").write_text(COURSE.read_text() + "id_base: not an iri\n")
    with pytest.raises(LessonError) as info:
        check_course(tmp_path / "course.yaml")
    (problem,) = info.value.problems
    assert str(problem).startswith(f"{tmp_path / 'course.yaml'}:11:10: id_base: 'not an iri' is not allowed here: write an absolute IRI")


# ---- author text in captions and the transcript ----

HOSTILE = ["if p < 0.5 and q > 0.9 we stop.", "Ask R&D about x<y later.", "a --> b", "<script>alert(1)</script>",
           "&amp; stays &amp;", "-->", "<b>bold</b> <v Joe> <00:00:01.000>", "{\\an8}{Y:b} a<!-- b"]


def test_cue_text_is_escaped_in_webvtt_and_srt_and_reads_back_verbatim():
    from lesson.narration import captions

    cues = [captions.Cue(float(i), i + 0.9, (text,)) for i, text in enumerate(HOSTILE)]
    chapters = [captions.Chapter(text, float(i), i + 0.9) for i, text in enumerate(HOSTILE)]
    for made in (captions.webvtt(cues), captions.srt(cues), captions.chapters_webvtt(chapters)):
        lines = made.splitlines()
        assert [line for line in lines if "-->" in line] == [line for line in lines if re.fullmatch(r"\d\d:\d\d:\d\d[.,]\d{3} --> \d\d:\d\d:\d\d[.,]\d{3}", line)]
        assert len([line for line in lines if "-->" in line]) == len(HOSTILE)
    for made in (captions.webvtt(cues), captions.chapters_webvtt(chapters)):
        assert "<" not in made and ">" not in made.replace("-->", "")
    assert [c.text for c in parse_vtt(captions.webvtt(cues))] == HOSTILE
    assert [c.text for c in parse_vtt(captions.chapters_webvtt(chapters))] == HOSTILE
    # SRT: no tag can start (a '<' before a letter or '/'), no style code, and the text reads the same without the
    # invisible word joiners that prevent them
    srt = captions.srt(cues)
    assert re.search(r"<[A-Za-z/!]|\{(?!\u2060)", srt) is None
    blocks = [b.split("\n", 2)[2] for b in srt.strip().split("\n\n")]
    assert [b.replace("\u2060", "") for b in blocks] == HOSTILE


def test_transcript_markdown_carries_no_html_and_escapes_markdown():
    import html

    from lesson.narration import captions

    text = "Say <script>alert(1)</script> & *not bold* [a link](javascript:x) `code` if p < 0.5."
    md = captions.transcript("T <i>", [captions.Chapter("# not a heading", 0.0, 1.0), captions.Chapter("1. not a list", 1.0, 2.0)],
                             [text, "- not a list item"])
    assert "<" not in md and ">" not in md
    lines = md.splitlines()
    assert lines[0] == "# T &lt;i&gt;" and lines[2] == "## [00:00] \\# not a heading" and lines[6] == "## [00:01] 1\\. not a list"
    assert lines[8] == "\\- not a list item"
    # what a Markdown renderer shows: the backslash escapes and the character references undone give the author's text
    assert html.unescape(re.sub(r"\\(.)", r"\1", lines[4])) == text


def test_the_built_lesson_files_carry_the_hostile_narration_escaped(built):
    _, result, _ = built
    folder = result.folder / "tiny_second"
    for suffix in (".vtt", ".chapters.vtt", ".transcript.md"):
        text = (folder / f"tiny_second{suffix}").read_text(encoding="utf-8")
        assert "<" not in text and ">" not in text.replace(" --> ", " "), suffix
    srt = (folder / "tiny_second.srt").read_text(encoding="utf-8")
    assert "x<\u2060y" in srt and "R&D" in srt and "Wet --\u2060> dry." in srt and "p < 0.5" in srt
    assert "Two scores --&gt; one" in (folder / "tiny_second.chapters.vtt").read_text(encoding="utf-8")
    md = (folder / "tiny_second.transcript.md").read_text(encoding="utf-8")
    assert "## [00:00] Two scores --&gt; one" in md and "Ask R&amp;D about x&lt;y later. Wet --&gt; dry." in md


def test_a_course_whose_uuid_cannot_be_kept_says_what_to_do(tmp_path):
    for name in ("tiny_first.yaml", "tiny_second.yaml"):
        shutil.copy(HERE / name, tmp_path / name)
    (tmp_path / "course.yaml").write_text(COURSE.read_text())
    (tmp_path / "course.uuid").write_text("not a uuid\n")
    with pytest.raises(LessonError) as info:
        check_course(tmp_path / "course.yaml").id_base
    assert str(info.value) == (f"{tmp_path / 'course.uuid'}: this file does not hold a UUID: delete it (a new one is made, and "
                               "learning platforms see a new course) or put the course's UUID back")
    assert (tmp_path / "course.uuid").read_text() == "not a uuid\n"  # left as it was


def test_ffmpegs_srt_decoder_reads_the_srt_cues_as_the_authors_text(tmp_path):
    """FFmpeg (the SubRip decoder of mpv, and of ffmpeg when it burns or converts captions) takes a '<' before a letter
    for a tag and '{\\...}' for a style code: through the word joiners it reads every cue as written, no tag, no code."""
    import subprocess

    from lesson.narration import captions

    texts = [*HOSTILE, "a<b>c</b>d x<y> and {\\an8} stays"]
    (tmp_path / "h.srt").write_text(captions.srt([captions.Cue(float(i), i + 0.9, (t,)) for i, t in enumerate(texts)]), encoding="utf-8")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(tmp_path / "h.srt"), str(tmp_path / "h.ass")], check=True, timeout=60)
    dialogue = [line.split(",", 9)[9] for line in (tmp_path / "h.ass").read_text(encoding="utf-8").splitlines() if line.startswith("Dialogue:")]
    assert [d.replace("\u2060", "") for d in dialogue] == texts
    assert not any(re.search(r"\{\\", d) for d in dialogue)  # no ASS override code came out of the text
