"""Packages for learning platforms: SCORM 1.2 (``imsmanifest.xml``) and cmi5 (``cmi5.xml``), one zip each.

Each lesson is one launchable unit (a SCORM SCO, a cmi5 assignable unit) whose launch page is ``<lesson id>.html``
at the root of the zip: the course page's player showing that lesson alone, tracking what was watched
(``static/player.js``). The zips are reproducible: the same files give the same bytes (fixed dates, sorted names).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

SCORM_CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
SCORM_ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
SCHEMA_LOCATION = (f"{SCORM_CP} imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
                   f"{SCORM_ADLCP} adlcp_rootv1p2.xsd")
# SCORM 1.2's schema files (IMS content packaging and meta-data, ADL's extension, and the XML namespace they import),
# unmodified, at the root of the zip where SCHEMA_LOCATION names them, as SCORM 1.2 asks of a package
SCORM_SCHEMAS = Path(__file__).parent / "schemas"
SCORM_SCHEMA_FILES = ("imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd", "adlcp_rootv1p2.xsd", "ims_xml.xsd")
STORED = (".mp4", ".png", ".zip")  # compressed already
DATE = (1980, 1, 1, 0, 0, 0)


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, "  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def scorm_manifest(course, lessons: list[tuple[str, str, str | None, list[str]]], shared: list[str]) -> bytes:
    """``imsmanifest.xml``: one organization, an item per lesson (inside an item per section), each a SCO resource.

    ``lessons``: (lesson id, title, section, files of that lesson, its launch page first); ``shared``: the player's files.
    """
    ET.register_namespace("", SCORM_CP)
    ET.register_namespace("adlcp", SCORM_ADLCP)
    ET.register_namespace("xsi", XSI)
    cp = lambda tag: f"{{{SCORM_CP}}}{tag}"  # noqa: E731
    root = ET.Element(cp("manifest"), {"identifier": f"course_{course.id}", "version": "1.0", f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})
    meta = ET.SubElement(root, cp("metadata"))
    ET.SubElement(meta, cp("schema")).text = "ADL SCORM"
    ET.SubElement(meta, cp("schemaversion")).text = "1.2"
    orgs = ET.SubElement(root, cp("organizations"), {"default": "org_1"})
    org = ET.SubElement(orgs, cp("organization"), {"identifier": "org_1"})
    ET.SubElement(org, cp("title")).text = course.title
    parent, section_of, count = org, None, 0
    for lesson_id, title, section, _files in lessons:
        if section != section_of:
            section_of = section
            if section is None:
                parent = org
            else:
                count += 1
                parent = ET.SubElement(org, cp("item"), {"identifier": f"section_{count}", "isvisible": "true"})
                ET.SubElement(parent, cp("title")).text = section
        item = ET.SubElement(parent, cp("item"), {"identifier": f"item_{lesson_id}", "identifierref": f"res_{lesson_id}", "isvisible": "true"})
        ET.SubElement(item, cp("title")).text = title
    resources = ET.SubElement(root, cp("resources"))
    for lesson_id, _title, _section, files in lessons:
        res = ET.SubElement(resources, cp("resource"), {"identifier": f"res_{lesson_id}", "type": "webcontent",
                                                         f"{{{SCORM_ADLCP}}}scormtype": "sco", "href": files[0]})
        for name in files:
            ET.SubElement(res, cp("file"), {"href": name})
        ET.SubElement(res, cp("dependency"), {"identifierref": "res_player"})
    res = ET.SubElement(resources, cp("resource"), {"identifier": "res_player", "type": "webcontent", f"{{{SCORM_ADLCP}}}scormtype": "asset"})
    for name in shared:
        ET.SubElement(res, cp("file"), {"href": name})
    return _xml(root)


def course_iri(course) -> str:
    """The course's IRI: its id base (``id_base:`` in course.yaml, or the default from its id and UUID)."""
    return course.id_base


def au_iri(course, lesson_id: str) -> str:
    return f"{course.id_base}/{lesson_id}"


def block_iri(course, number: int) -> str:
    return f"{course.id_base}/section-{number}"


def cmi5_structure(course, lessons: list[tuple[str, str, str, str | None, str]]) -> bytes:
    """``cmi5.xml``: the course, a block per section, an assignable unit per lesson (moveOn: Completed).

    ``lessons``: (lesson id, title, description, section, launch page).
    """
    ET.register_namespace("", CMI5)
    c = lambda tag: f"{{{CMI5}}}{tag}"  # noqa: E731
    lang = course.language

    def texts(parent: ET.Element, title: str, description: str) -> None:
        for tag, value in (("title", title), ("description", description)):
            el = ET.SubElement(parent, c(tag))
            ET.SubElement(el, c("langstring"), {"lang": lang}).text = value

    root = ET.Element(c("courseStructure"))
    course_el = ET.SubElement(root, c("course"), {"id": course_iri(course)})
    texts(course_el, course.title, course.description or course.title)
    parent, section_of, count = root, None, 0
    for lesson_id, title, description, section, launch in lessons:
        if section != section_of:
            section_of = section
            if section is None:
                parent = root
            else:
                count += 1
                parent = ET.SubElement(root, c("block"), {"id": block_iri(course, count)})
                texts(parent, section, section)
        au = ET.SubElement(parent, c("au"), {"id": au_iri(course, lesson_id), "moveOn": "Completed", "launchMethod": "AnyWindow"})
        texts(au, title, description or title)
        ET.SubElement(au, c("url")).text = launch
    return _xml(root)


def write_zip(target: Path, members: list[tuple[str, bytes | Path]]) -> None:
    """A reproducible zip of ``members`` (name in the zip, bytes or a file), sorted by name, at ``target``."""
    with zipfile.ZipFile(target, "w") as z:
        for name, content in sorted(members, key=lambda m: m[0]):
            info = zipfile.ZipInfo(name, DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name.endswith(STORED) else zipfile.ZIP_DEFLATED
            if isinstance(content, Path):
                with content.open("rb") as src, z.open(info, "w") as dst:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        dst.write(block)
            else:
                z.writestr(info, content)
