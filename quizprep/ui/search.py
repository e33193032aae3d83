"""The view of search results: one entry per hit, matched words highlighted with styles (never markup)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from quizprep.text import plural


def search_view(hits: list, query: str) -> RenderableType:
    """Hits as `1. id  topic` / question / snippet. `hits` are quizprep.search.Hit values."""
    if not hits:
        return Text.assemble("No items match ", (query, "bold"), ".")
    lines: list[RenderableType] = [Text(plural(len(hits), "match", "matches") + f" for {query!r}:", style="dim")]
    for rank, hit in enumerate(hits, start=1):
        lines.append(Text.assemble(f"{rank:>2}. ", (hit.item_id, "cyan"), "  ", (hit.topic, "dim")))
        lines.append(Text.assemble("    ", (hit.question, "bold")))
        snippet = Text(hit.snippet)
        for start, end in hit.highlights:
            snippet.stylize("reverse", start, end)
        lines.append(Text("    ") + snippet)
    return Group(*lines)
