"""The view of an import's report: what changed, what was skipped and why, media and history."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from quizprep.files import shown
from quizprep.text import plural

MAX_SKIPS_SHOWN = 20


def import_view(report) -> RenderableType:
    """`report` is a quizprep.importers.ImportReport."""
    lines: list[RenderableType] = [_headline(report)]
    counts = [
        ("imported", len(report.imported), "green"),
        ("updated", len(report.updated), "yellow"),
        ("unchanged", len(report.unchanged), "dim"),
        ("skipped", len(report.skipped), "red" if report.skipped else "dim"),
    ]
    line = Text("  ")
    for index, (label, count, style) in enumerate(counts):
        line.append(("" if index == 0 else ", ") + f"{count} {label}", style=style)
    lines.append(line)
    if report.kept:
        lines.append(Text(f"  {plural(len(report.kept), 'item')} no longer in the source kept (with their progress)"))
    for skip in report.skipped[:MAX_SKIPS_SHOWN]:
        lines.append(Text.assemble("  skipped ", (shown(skip.where), "bold"), ": ", shown(skip.reason)))
    if len(report.skipped) > MAX_SKIPS_SHOWN:
        lines.append(Text(f"  ... and {len(report.skipped) - MAX_SKIPS_SHOWN} more skipped", style="dim"))
    lines += [Text(f"  {line}") for line in _media_lines(report)]
    if report.history:
        lines.append(Text(f"  {plural(len(report.history), 'review')} of history read"))
        if report.history_added is not None:
            lines.append(
                Text(f"  {plural(report.history_added, 'review')} added to your progress (the rest were there)")
            )
    lines += [Text(f"  note: {note}", style="dim") for note in report.notes]
    return Group(*lines)


def _headline(report) -> Text:
    where = shown(report.path)
    if report.dry_run:
        return Text.assemble("Dry run: nothing written. ", (report.source, "bold"), f" would go to {where}")
    if report.written:
        return Text.assemble(("✓ ", "green"), (report.source, "bold"), f" imported into {where}")
    return Text.assemble((report.source, "bold"), f": nothing changed in {where}")


def _media_lines(report) -> list[str]:
    lines = []
    if report.media_copied:
        lines.append(f"{plural(len(report.media_copied), 'media file')} copied into {report.path.parent / 'media'}")
    if report.media_referenced:
        lines.append(f"{plural(len(report.media_referenced), 'media file')} referenced, not copied (add --media)")
    if report.media_missing:
        lines.append(f"{plural(len(report.media_missing), 'media file')} referenced but not in the package")
    return lines
