"""Images a fact file names (`image:`): found and checked by the loader, shipped by the outputs.

An image is a PNG, JPEG, GIF or SVG file beside the fact file. Anki gets it as a media
file named by its content (`diagram-3f2a9c81d0e4.png`), so two images never share a
name and a changed image gets a new one; an exam embeds it as a `data:` URI, so the
page stays one self-contained file.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)
_SVG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<svg[\s>]", re.S
)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Image:
    """An image file: where it is, what it is called as Anki media, and its type."""

    path: str
    name: str
    mime: str

    @property
    def shown_name(self) -> str:
        """The file's own name, as its author knows it."""
        return Path(self.path).name

    def data(self) -> bytes:
        return Path(self.path).read_bytes()

    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data()).decode('ascii')}"


def read_image(path: Path) -> Image | str:
    """The image at PATH, or what is wrong with it (a message for the loader)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return f"no such file (looked for {path})"
    except IsADirectoryError:
        return f"a folder, not an image file ({path})"
    except OSError as exc:
        return f"cannot read it ({exc.strerror})"
    kind = image_type(data)
    if kind is None:
        return "not a PNG, JPEG, GIF or SVG image"
    mime, suffix = kind
    stem = _UNSAFE_NAME.sub("_", path.stem).strip("_")[:40] or "image"
    import hashlib  # only a base with images pays for it

    digest = hashlib.sha256(data).hexdigest()[:12]
    return Image(str(path), f"{stem}-{digest}{suffix}", mime)


def image_type(data: bytes) -> tuple[str, str] | None:
    """(MIME type, file suffix) of DATA by its first bytes, or None when it is no image cardgen ships."""
    for magic, mime, suffix in _TYPES:
        if data.startswith(magic):
            return mime, suffix
    if _SVG.match(data[:4096]):
        return "image/svg+xml", ".svg"
    return None
