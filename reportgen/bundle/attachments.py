"""The files a report PDF carries, read as hostile input: bounded, never inflated past a limit.

An instructor opens PDFs written by students. The PDF is read from at most MAX_PDF_BYTES; each
attachment's compressed stream is inflated by hand, stopping one byte past MAX_DOCUMENT_BYTES,
so an attachment that would inflate to gigabytes costs a few milliseconds and one line.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from ..errors import InputError
from ..files import MAX_DOCUMENT_BYTES, MAX_PDF_BYTES, read_bounded, size_limit_text

REPORT_HINT = "give a report PDF made by `reportgen build`"


def _inflate(data: bytes, limit: int, where: str) -> bytes:
    """zlib-decompress at most limit + 1 bytes; refuse beyond `limit` without going further."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise InputError(f"{where} is a corrupt compressed stream: {REPORT_HINT}") from None
    if len(out) > limit:
        raise InputError(
            f"{where} inflates to more than {size_limit_text(limit)}, the limit for an "
            "attachment: refused without inflating it"
        )
    return out


def _stream_bytes(stream, limit: int, where: str) -> bytes:
    """An embedded file's bytes: unfiltered or FlateDecode (what reportgen writes), bounded."""
    from pypdf.generic import EncodedStreamObject

    filters = stream.get("/Filter")
    if filters is not None and not isinstance(filters, str):  # an array of filters
        filters = list(filters)
        filters = filters[0] if len(filters) == 1 else filters
    raw = stream._data if isinstance(stream, EncodedStreamObject) else stream.get_data()
    if len(raw) > MAX_PDF_BYTES:
        raise InputError(f"{where} is larger than {size_limit_text(MAX_PDF_BYTES)}: refused")
    if filters is None:
        data = bytes(raw)
    elif filters == "/FlateDecode" and "/DecodeParms" not in stream:
        data = _inflate(bytes(raw), limit, where)
    else:
        raise InputError(f"{where} is encoded with {filters}, which reportgen never writes")
    if len(data) > limit:
        raise InputError(f"{where} is larger than {size_limit_text(limit)}: refused")
    return data


def read_pdf(path: Path) -> bytes:
    """A report PDF's bytes, refused past MAX_PDF_BYTES."""
    return read_bounded(Path(path), MAX_PDF_BYTES, hint=REPORT_HINT)


def read_attachments(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> dict[str, list[bytes]]:
    """Every file attached to the PDF at `path`: name -> contents (a name may repeat).

    An unreadable, encrypted or oversized PDF, or an attachment past `limit`, is one InputError.
    """
    return attachments_of(read_pdf(path), Path(path), limit)


def attachments_of(
    raw: bytes, path: Path, limit: int = MAX_DOCUMENT_BYTES
) -> dict[str, list[bytes]]:
    """The attachments of the PDF bytes `raw` (read from `path`), as read_attachments."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

    if len(raw) > MAX_PDF_BYTES:
        raise InputError(f"{path} is larger than {size_limit_text(MAX_PDF_BYTES)}: refused")
    if not raw.lstrip()[:5] == b"%PDF-":
        raise InputError(f"{path} is not a PDF (no %PDF- header): {REPORT_HINT}")
    found: dict[str, list[bytes]] = {}
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            raise InputError(f"{path} is encrypted: ask for the report PDF without a password")
        for attachment in reader.attachment_list:
            where = f"{path} (attachment {attachment.name[:60]!r})"
            stream = attachment.pdf_object["/EF"]["/F"].get_object()
            found.setdefault(attachment.name, []).append(_stream_bytes(stream, limit, where))
    except InputError:
        raise
    except (DependencyError, FileNotDecryptedError):  # AES: pypdf stops before is_encrypted
        raise InputError(
            f"{path} is encrypted: ask for the report PDF without a password"
        ) from None
    except Exception as exc:  # a hostile PDF can break the parser in any way: one line, no trace
        if not isinstance(exc, PdfReadError | PyPdfError | OSError | ValueError | LookupError):
            exc = PdfReadError(f"{exc.__class__.__name__} in the PDF parser")
        why = str(exc).splitlines()[0][:80] if str(exc) else exc.__class__.__name__
        raise InputError(f"{path} is not a readable PDF ({why}): {REPORT_HINT}") from None
    return found
