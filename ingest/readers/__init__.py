"""A reader per format, chosen by content: bytes in, text plus structure out.

Every reader returns a :class:`ReadText`: the text the pipeline reads (every
sentence offset, ``nqi:start``/``nqi:end``, is an offset into it), the start
offset of each page for paged input, the headings, the page furniture it
dropped (running heads, page numbers: kept for the metadata, never in the text)
and the metadata the container states (PDF info dictionary, HTML ``<title>``,
``<meta>`` and canonical link, DOCX core properties). The kind is decided by
the bytes (``%PDF-``, a zip holding ``word/document.xml``, markup), the suffix
only breaking the tie for text; anything else is refused with
:class:`~nqikg.ingest.reader.UnreadableInput` naming the file and the reason.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from bisect import bisect_right
from dataclasses import dataclass, field
from importlib import metadata as _dist
from pathlib import Path

from ..reader import UnreadableInput, decode

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
READABLE = "text (.txt, .text, .md), PDF, HTML, Word (.docx)"
MAX_UNPACKED = 256 * 2**20   # bytes a .docx may unpack to

_BINARY_KINDS = [  # magic bytes of kinds that are refused, with a reason a user can act on
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office file (.doc/.xls/.ppt, OLE), binary; save it as .docx or PDF"),
    (b"{\\rtf", "RTF document; save it as .docx or PDF"),
    (b"\x89PNG", "PNG image, binary"), (b"\xff\xd8\xff", "JPEG image, binary"), (b"GIF8", "GIF image, binary"),
    (b"II*\x00", "TIFF image, binary"), (b"MM\x00*", "TIFF image, binary"),
    (b"\x1f\x8b", "gzip archive, binary"), (b"7z\xbc\xaf", "7-zip archive, binary"), (b"Rar!", "RAR archive, binary"),
]
_MARKUP = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                     re.I | re.S)


@dataclass(frozen=True)
class Heading:
    start: int      # offsets into ReadText.text
    end: int
    level: int      # 1 = the document's title level


@dataclass
class ReadText:
    """What a reader found in a file."""
    text: str
    kind: str                                   # "text", "pdf", "html", "docx"
    media_type: str
    encoding: str | None = None                 # of text and HTML input
    pages: list[int] = field(default_factory=list)        # start offset of each page (paged input only)
    headings: list[Heading] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)    # running heads, footers and page numbers dropped
    properties: dict = field(default_factory=dict)        # metadata the container states (see metadata.FIELDS)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, or None for unpaged input."""
        return bisect_right(self.pages, offset) if self.pages else None


class Lines:
    """The text a reader builds, one block per line, with the offsets of the headings among them."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.headings: list[Heading] = []
        self.end = 0   # length of the text so far: the offset the next line starts at

    def add(self, text: str, level: int | None = None, wraps: bool = False) -> None:
        """Append ``text`` as one line, a heading when ``level`` is given; with ``wraps``, a heading right
        after one of the same level continues it (a title wrapped over two lines is one heading)."""
        if level is not None:
            last = self.headings[-1] if self.headings else None
            if wraps and last is not None and last.end == self.end - 1 and last.level == level:
                self.headings[-1] = Heading(last.start, self.end + len(text), level)
            else:
                self.headings.append(Heading(self.end, self.end + len(text), level))
        self.parts.append(text + "\n")
        self.end += len(text) + 1

    @property
    def text(self) -> str:
        return "".join(self.parts)


def split_names(value: str) -> list[str]:
    """The names of a container's author field (``张三, 李四；王五``)."""
    return [n for n in re.split(r"\s*[,，;；、]\s*", value.strip()) if n]


def sniff(data: bytes, name: str) -> str:
    """The kind of ``data``: "pdf", "docx", "html" or "text"; raises UnreadableInput for anything else."""
    suffix = Path(name).suffix.lower()
    if data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                unpacked = sum(i.file_size for i in archive.infolist())
        except (zipfile.BadZipFile, ValueError) as exc:
            raise UnreadableInput(f"{name}: broken zip container ({exc}); not a readable .docx") from None
        if unpacked > MAX_UNPACKED:   # a zip bomb would fill the memory when python-docx inflates it
            raise UnreadableInput(f"{name}: zip container unpacks to {unpacked:,} bytes, over the "
                                  f"{MAX_UNPACKED:,} a document may take")
        if "word/document.xml" in names:
            return "docx"
        raise UnreadableInput(f"{name}: zip archive that is not a Word document (no word/document.xml); "
                              f"readable kinds: {READABLE}")
    for magic, reason in _BINARY_KINDS:
        if data.startswith(magic):
            raise UnreadableInput(f"{name}: unsupported kind: {reason}; readable kinds: {READABLE}")
    if suffix == ".pdf":
        raise UnreadableInput(f"{name}: named .pdf but not a PDF (no %PDF- header)")
    if suffix == ".docx":
        raise UnreadableInput(f"{name}: named .docx but not a Word document (not a zip container)")
    if _MARKUP.match(data[:4096].removeprefix(b"\xef\xbb\xbf")) or suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES or not suffix:
        return "text"
    raise UnreadableInput(f"{name}: unsupported kind ({suffix} file); readable kinds: {READABLE}")


def read(data: bytes, name: str) -> ReadText:
    """Read ``data`` (the bytes of the file ``name``) with the reader its content calls for; raises
    UnreadableInput naming the file, also when a format library fails on a malformed file."""
    kind = sniff(data, name)
    try:
        if kind == "pdf":
            from .pdf import read_pdf
            return read_pdf(data, name)
        if kind == "docx":
            from .docx import read_docx
            return read_docx(data, name)
        decoded = decode(data, name)
        if kind == "html":
            from .html import read_html
            return read_html(decoded, name)
        return ReadText(decoded.text, "text", "text/plain", decoded.encoding)
    except UnreadableInput:
        raise
    except Exception as exc:   # the parsers raise their own errors on malformed files: refuse this file only
        raise UnreadableInput(f"{name}: malformed {kind} file ({type(exc).__name__}: {exc})") from None


_LIBRARIES = ("pypdfium2", "trafilatura", "python-docx")


def version() -> str:
    """A digest of the reading code (these modules, the metadata, normaliser and sentence splitter) and
    the versions of the libraries it calls: part of the extractor version, so a change re-reads documents."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for f in [*sorted(here.glob("*.py")), *(here.parent / n for n in ("reader.py", "metadata.py", "normalize.py",
                                                                       "sentences.py"))]:
        digest.update(f.name.encode() + f.read_bytes())
    for lib in _LIBRARIES:
        try:
            digest.update(f"{lib}={_dist.version(lib)}".encode())
        except _dist.PackageNotFoundError:
            digest.update(f"{lib}=absent".encode())
    return digest.hexdigest()[:16]
