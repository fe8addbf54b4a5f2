"""What a report PDF carries so that it can be regenerated from the PDF alone.

Attachments, in order: results.json (config, self-evaluation and every number), each file of a
custom templates_dir as templates/<path>, and manifest.json: reportgen's version, the render
environment (the render stack's packages, Pango, HarfBuzz, each font file's SHA-256) and each other
attachment's name, size and SHA-256. `pdfdetach -list report.pdf` lists them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from .. import __version__
from ..locations import code_digest
from ..results import RESULTS_FILE, Count, Results, Schema, dumps, parse_json_document, violation

MANIFEST_FILE = "manifest.json"
TEMPLATE_PREFIX = "templates/"
MAX_ATTACHMENTS = 110  # results.json, manifest.json and up to 100 templates, with room
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class AttachmentRecord(Schema):
    name: str
    size: Count
    sha256: Sha256


class FontRecord(Schema):
    name: str
    sha256: Sha256


class RenderEnvironment(Schema):
    """What the PDF's bytes depend on besides reportgen and the results."""

    weasyprint: str
    pydyf: str
    pango: str
    harfbuzz: str
    harfbuzz_subset: bool
    fonts: list[FontRecord]
    # every package of the render stack, name -> version (environments/stack.py); a manifest
    # written before reportgen recorded it has none (then weasyprint and pydyf above, and
    # results.json's environment, say what is known)
    stack: dict[str, str] = {}


class Manifest(Schema):
    """manifest.json: the build's reportgen, its render environment, the other attachments."""

    manifest_version: Literal[1]
    reportgen_version: str
    reportgen_code: Sha256  # the package's modules and shipped templates
    render_environment: RenderEnvironment
    attachments: Annotated[list[AttachmentRecord], Field(max_length=MAX_ATTACHMENTS)]


# A custom templates_dir is read whole, attached to the PDF and rendered from memory: at most
# this many files, each UTF-8 text.
MAX_TEMPLATE_FILES = 100
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attachments_for(
    results: Results, templates: Mapping[str, str], render_environment: dict[str, Any]
) -> dict[str, str]:
    """The PDF's attachments, name -> text, in order, manifest.json last."""
    files = {RESULTS_FILE: results.to_json()}
    for name in sorted(templates):
        files[TEMPLATE_PREFIX + name] = templates[name]
    manifest = Manifest(
        manifest_version=1,
        reportgen_version=__version__,
        reportgen_code=code_digest(),
        render_environment=RenderEnvironment.model_validate(render_environment),
        attachments=[
            AttachmentRecord(name=name, size=len(text.encode()), sha256=sha256(text.encode()))
            for name, text in files.items()
        ],
    )
    files[MANIFEST_FILE] = dumps(manifest.to_data())
    return files


def parse_manifest(raw: bytes, where: str) -> Manifest:
    """manifest.json bytes -> Manifest; a violation is one InputError."""
    data = parse_json_document(raw, where)
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise violation(exc, where) from None
