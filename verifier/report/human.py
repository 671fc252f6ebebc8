"""From a report view (``verifier.report.view``) to Markdown and HTML.

Both come from Jinja2 templates in ``templates/``. In HTML, autoescaping
makes every value text. Markdown has no autoescape, so its environment gets
one: every ``{{ value }}`` passes through ``md_escape`` unless it is
``MdSafe`` (Markdown this module wrote), which keeps contract text — titles,
quoted clauses, source lines — from becoming links, emphasis, tables or HTML.
Source lines go into ``<pre>`` blocks, HTML-escaped: inside an HTML block
Markdown is not interpreted, so backslash escapes would show.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from verifier.report.view import Line, Report, SourceLine

TEMPLATES = Path(__file__).parent / "templates"


class MdSafe(str):
    """Markdown written by this module, not text to escape."""


# Characters that start Markdown (GitHub flavour) markup anywhere in a line:
# code spans, emphasis, links and images, HTML and autolinks, table cells,
# headings, math, strikethrough, and the escape character itself.
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>|#$~])")
# ... and at the start of a line only: list items ("- ", "+ ", "1. "), thematic
# breaks and setext underlines ("---", "==="); "2024-06-01" or "3.11" stay as they are.
_MD_LINE_START = re.compile(r"^(\s*)([-+=](?=[\s\-+=]|$)|[0-9]{1,9}(?=[.)](?:\s|$)))")


def md_escape(value: object) -> str:
    """Text that renders as itself in GitHub Markdown, on one line."""
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    text = text.replace("&", "&amp;")
    text = _MD_ANYWHERE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(_escape_marker, text, count=1)


def _escape_marker(mt: re.Match[str]) -> str:
    lead, mark = mt.group(1), mt.group(2)
    # "1." -> "1\.", "-" -> "\-"
    return lead + mark + "\\" if mark.isdigit() else lead + "\\" + mark


def _md_finalize(value: object) -> str:
    if isinstance(value, MdSafe):
        return value
    if value is None:
        return ""
    return md_escape(value)


def md_line(line: Line) -> MdSafe:
    """Generated text with its clause links."""
    return MdSafe("".join(f"[{md_escape(p.text)}]({p.href})" if p.href else md_escape(p.text) for p in line))


def md_pre(lines: Sequence[SourceLine], numbers: bool = True, anchors: bool = False) -> MdSafe:
    """Source lines as an HTML ``<pre>`` block: shown exactly, never interpreted."""
    width = len(str(lines[-1].number)) if lines else 1
    out = []
    for ln in lines:
        mark = f'<a id="{html.escape(ln.anchor)}"></a>' if anchors and ln.anchor else ""
        num = f"{ln.number:>{width}}  " if numbers else ""
        out.append(f"{mark}{num}{html.escape(ln.text, quote=False)}")
    return MdSafe("<pre>\n" + "\n".join(out) + "\n</pre>")


def md_cell(lines: Sequence[Line]) -> MdSafe:
    return MdSafe("<br>".join(md_line(x) for x in lines) if lines else "—")


def md_list(items: Sequence[str]) -> MdSafe:
    return MdSafe("<br>".join(md_escape(x) for x in items) if items else "—")


def html_line(line: Line) -> Markup:
    return Markup("").join(
        Markup('<a href="{}">{}</a>').format(p.href, p.text) if p.href else Markup.escape(p.text)
        for p in line
    )


VERDICT_WORD = {"holds": "HOLDS", "fails": "FAILS", "unknown": "UNKNOWN", "absent": "absent"}
VERDICT_MD = {
    "holds": MdSafe("✅ **HOLDS**"),
    "fails": MdSafe("❌ **FAILS**"),
    "unknown": MdSafe("❓ **UNKNOWN**"),
    "absent": MdSafe("— absent"),
}
VERDICT_ICON = {"holds": "✓", "fails": "✗", "unknown": "?", "absent": "–"}
SEVERITY_MD = {"error": MdSafe("❌ **error**"), "warning": MdSafe("⚠️ **warning**")}


def _common(env: jinja2.Environment) -> jinja2.Environment:
    env.globals.update(VERDICT_WORD=VERDICT_WORD, VERDICT_ICON=VERDICT_ICON)
    return env


def _markdown_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        finalize=_md_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md_line=md_line, md_pre=md_pre, md_cell=md_cell, md_list=md_list, md=md_escape, raw=MdSafe
    )
    env.globals.update(VERDICT_MD=VERDICT_MD, SEVERITY_MD=SEVERITY_MD)
    return _common(env)


def _html_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(html_line=html_line, num=_num)
    return _common(env)


def _num(x: float) -> str:
    """A coordinate, the same on every platform."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _squeeze(text: str) -> str:
    """One blank line between blocks: templates leave runs of them where
    optional parts are absent. Source text in ``<pre>`` is left as it is."""
    parts = re.split(r"(<pre>.*?</pre>)", text, flags=re.DOTALL)
    return (
        "".join(p if i % 2 else re.sub(r"\n{3,}", "\n\n", p) for i, p in enumerate(parts)).rstrip("\n") + "\n"
    )


def render_markdown(report: Report, **extra: Any) -> str:
    return _squeeze(_markdown_env().get_template("report.md.j2").render(report=report, **extra))


def render_html(report: Report, **extra: Any) -> str:
    return _html_env().get_template("report.html.j2").render(report=report, **extra)
