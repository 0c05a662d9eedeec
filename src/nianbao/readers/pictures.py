"""Pictures inside a document (a DOCX's, a web page's): one big enough to hold a table is
read by OCR where it stands; the others are seals, logos and icons. Pictures that could
not be read are counted, so a missing table can be blamed on them."""

from __future__ import annotations

from nianbao.document import Line
from nianbao.readers.errors import ReadError

MIN_SIZE = (400, 100)  # pixels, width and height
MAX_READ = 10  # OCR takes seconds a picture; beyond this they are counted, not read
MAX_BYTES = 20 * 1024 * 1024


class Pictures:
    def __init__(self) -> None:
        self.read = 0
        self.unread = 0

    def lines(self, raw: bytes | None) -> list[Line]:
        """The picture's lines (numbered 0: the reader numbers the document), or none."""
        from nianbao.readers.image import image_lines, open_image

        if raw is None or len(raw) > MAX_BYTES:
            self.unread += 1
            return []
        try:
            img = open_image(raw)
        except ReadError:
            # Excel ranges pasted into Word are often EMF/WMF, which cannot be decoded here.
            self.unread += 1
            return []
        if img.width < MIN_SIZE[0] or img.height < MIN_SIZE[1]:
            return []
        if not self.take():
            return []
        # Boxes are in the picture's own space, which nothing shows: keep the confidences.
        return [Line(ln.text, 0, None, None, ln.confidences) for ln in image_lines(img)]

    def take(self) -> bool:
        """Whether one more picture may be read by OCR; counted as read or unread."""
        from nianbao.readers import ocr_enabled

        if self.read >= MAX_READ or not ocr_enabled():
            self.unread += 1
            return False
        self.read += 1
        return True
