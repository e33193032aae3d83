"""Card text to bank markdown: HTML through markdownify, Anki's math and sound tags, media names.

    FieldConverter(media_prefix)   converts one field at a time; remembers the media names it met
        .convert(text, html=True)  the field as markdown, safe for the bank

MathJax `\\(...\\)` becomes `$...$` and `\\[...\\]` becomes `$$...$$` (Anki's older `[$]...[/$]`,
`[$$]...[/$$]` and `[latex]...[/latex]` too). The math is lifted out before the HTML is converted,
so markdown escaping never lands inside a formula, and put back afterwards. Images keep their
file name, or point into the bank's media folder (`media/<safe name>`) when media are copied.
Fields without markup skip the HTML parser, which is most of the time an import takes.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable

from quizprep.importers.model import clean_text

MATH = re.compile(
    r"\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\]"
    r"|\[\$\](?P<old_inline>.*?)\[/\$\]|\[\$\$\](?P<old_display>.*?)\[/\$\$\]|\[latex\](?P<latex>.*?)\[/latex\]",
    re.S,
)
SOUND = re.compile(r"\[sound:([^\]\n]{1,300})\]")
MAX_MEDIA_NAME = 300
PARALLEL_FIELDS = 2_000  # below this many HTML fields, starting worker processes costs more than it saves
MAX_WORKERS = 4


def is_local_media(src: str) -> bool:
    """A file name from the collection's media folder, not a web address or an absolute path."""
    return bool(src) and len(src) <= MAX_MEDIA_NAME and "://" not in src and not src.startswith(("/", "data:", "\\"))


def _same_name(name: str) -> str:
    return name


def _converter_class():
    """markdownify (and BeautifulSoup under it) load only when a field really holds HTML."""
    from markdownify import ATX, MarkdownConverter

    class Converter(MarkdownConverter):
        def __init__(self, on_image: Callable[[str], str], **options):
            super().__init__(heading_style=ATX, bullets="-", **options)
            self.on_image = on_image

        def convert_img(self, el, text, parent_tags):
            alt = " ".join((el.attrs.get("alt") or "").split()).replace("]", ")").replace("[", "(")
            src = el.attrs.get("src") or ""
            if not isinstance(src, str) or not src:
                return alt
            target = self.on_image(src)
            return f"![{alt}](<{target}>)" if any(c in target for c in " ()<>") else f"![{alt}]({target})"

    return Converter


class FieldConverter:
    """One per import: builds the HTML converter once and collects the media names seen."""

    def __init__(self, media_prefix: str | None = None, media_name: Callable[[str], str] | None = None):
        self.media: set[str] = set()
        self.media_prefix = media_prefix
        self.media_name = media_name or _same_name
        self._html = None
        self._nonce = secrets.token_hex(4)

    def media_target(self, src: str) -> str:
        """Remember a local media name; return what the markdown should point at."""
        if not is_local_media(src):
            return src
        self.media.add(src)
        return f"{self.media_prefix}/{self.media_name(src)}" if self.media_prefix else src

    def convert(self, text: str, html_field: bool = True) -> str:
        stash: list[str] = []
        token = f"qzp{self._nonce}x"
        text = text.replace(token, "")  # a field cannot forge our placeholders

        def keep(replacement: str) -> str:
            stash.append(replacement)
            return f"{token}{len(stash) - 1}z"

        text = MATH.sub(lambda m: keep(self._math(m, html_field)), text)
        text = SOUND.sub(lambda m: keep(f"[sound:{self.media_target(m.group(1).strip())}]"), text)
        if html_field and ("<" in text or "&" in text):
            text = self._html_to_markdown(text)
        text = re.sub(rf"{token}(\d+)z", lambda m: stash[int(m.group(1))], text)
        return clean_text(text)

    def _math(self, match: re.Match, html_field: bool) -> str:
        kind = match.lastgroup or "inline"
        body = match.group(kind) or ""
        if html_field:
            body = html.unescape(body.replace("<br>", " ").replace("<br/>", " ").replace("<br />", " "))
        body = " ".join(body.split())
        if not body:
            return ""
        return f"$${body}$$" if kind in ("display", "old_display", "latex") else f"${body}$"

    def _html_to_markdown(self, text: str) -> str:
        if self._html is None:
            self._html = _converter_class()(self.media_target)
        return self._html.convert(text)

    def convert_all(self, texts: list[str]) -> list[str]:
        """Convert many HTML fields; a large batch is shared among worker processes, since the
        HTML parser takes most of an import's time. Repeated fields are converted once."""
        unique = list(dict.fromkeys(texts))
        heavy = [text for text in unique if "<" in text or "&" in text]
        done: dict[str, str] = {}
        if len(heavy) >= PARALLEL_FIELDS:
            done = self._convert_in_workers(heavy)
        for text in unique:
            if text not in done:
                done[text] = self.convert(text)
        return [done[text] for text in texts]

    def _convert_in_workers(self, texts: list[str]) -> dict[str, str]:
        import multiprocessing
        import os
        from concurrent.futures import ProcessPoolExecutor

        workers = min(os.cpu_count() or 1, MAX_WORKERS)
        if workers < 2:
            return {}
        size = -(-len(texts) // (workers * 4))
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        jobs = [(chunk, self.media_prefix, self.media_name) for chunk in chunks]
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                results = list(pool.map(_convert_chunk, jobs))
        except (OSError, RuntimeError):  # no processes to be had: the caller converts here
            return {}
        done: dict[str, str] = {}
        for chunk, (converted, media) in zip(chunks, results):
            done.update(zip(chunk, converted))
            self.media |= media
        return done


def _convert_chunk(job: tuple) -> tuple[list[str], set[str]]:
    texts, prefix, media_name = job
    converter = FieldConverter(prefix, media_name)
    return [converter.convert(text) for text in texts], converter.media
