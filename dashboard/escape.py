"""The one place where report text is made safe for what shows it.

Report text is data, never markup: Streamlit reads Markdown (and, with directives such as
``:red[...]``, more), Plotly reads a subset of HTML in titles, labels and hover text.
"""

from __future__ import annotations

import re
from html import escape

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&\"'=^])")


def markdown(text: object) -> str:
    """``text`` for st.markdown/st.caption shown exactly as written: every character Markdown,
    HTML or Streamlit's directives could read is escaped; line breaks are kept."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def code(text: object) -> str:
    """``text`` as a Markdown code span (for file paths and commands), shown literally."""
    text = str(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def plotly(text: object) -> str:
    """Text for a Plotly title, label or hover text, shown as written (no tags read)."""
    return escape(str(text), quote=False)
