"""The registry of step kinds is the one source of the script's steps, the schema, the docs and the cache key."""

import re
from pathlib import Path

from lesson import kinds
from lesson.script.model import STEP_KINDS, Lesson

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "lessons" / "README.md"
TABLE = re.compile(r"<!-- kinds: [^\n]*-->\n(.*?)<!-- /kinds -->", re.S)


def test_the_kinds_table_in_the_docs_is_the_registrys():
    (table,) = TABLE.findall(README.read_text())
    assert table.strip() == kinds.docs_table(), "regenerate with: python -c 'from lesson.kinds import docs_table; print(docs_table())'"


def test_the_script_model_and_the_schema_take_their_steps_from_the_registry():
    assert STEP_KINDS == tuple(kinds.registry())
    schema = Lesson.model_json_schema()
    listed = {ref["$ref"].rsplit("/", 1)[1] for ref in schema["$defs"]["Lesson"]["properties"]["steps"]["items"]["oneOf"]} if "Lesson" in schema.get("$defs", {}) else {
        ref["$ref"].rsplit("/", 1)[1] for ref in schema["properties"]["steps"]["items"]["oneOf"]
    }
    assert listed == {k.options.__name__ for k in kinds.registry().values()}


def test_every_kind_has_a_scene_a_builder_and_its_files_in_the_cache_key():
    for kind in kinds.registry().values():
        files = kind.code_files()
        scene_module = kind.scene.split(":")[0].replace(".", "/") + ".py"
        assert any(str(f).endswith(scene_module) for f in files), kind.name
        assert any(str(f).endswith(kind.build.__module__.replace(".", "/") + ".py") for f in files), kind.name
        assert callable(kind.build) and kind.summary


def test_the_cache_key_of_a_kind_changes_with_its_own_source_only(tmp_path, monkeypatch):

    before = {name: kinds.get(name).code_version() for name in ("softmax", "title")}
    copies = [tmp_path / str(i) / f.name for i, f in enumerate(kinds.get("title").code_files())]
    for original, copy in zip(kinds.get("title").code_files(), copies):
        copy.parent.mkdir()
        copy.write_bytes(original.read_bytes())
    real = kinds.StepKind.code_files
    monkeypatch.setattr(kinds.StepKind, "code_files", lambda self: copies if self.name == "title" else real(self))
    assert kinds.get("title").code_version() == before["title"]  # the same bytes, the same key
    copies[0].write_bytes(copies[0].read_bytes() + b"\n# changed\n")
    assert kinds.get("title").code_version() != before["title"]
    assert kinds.get("softmax").code_version() == before["softmax"]
