"""The templates' filters: numbers in the report's language, parameters, Markdown, paragraphs.

The numbers (and a parameter's value) are written by reportgen/numbers.py, as in every output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from ..numbers import param
from .language import Language


def markdown(text: str) -> Markup:
    """CommonMark to HTML with raw HTML and images disabled (the text is the user's).

    No images: the PDF may read nothing but the run's own files, so `![](url)` stays text.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).disable("image")
    return Markup(md.render(text))


def paragraphs(text: str) -> Markup:
    """Plain text to escaped <p> paragraphs, split on blank lines."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("\n").join(Markup("<p>{}</p>").format(escape(b)) for b in blocks)


def filters(lang: Language) -> dict[str, Callable[..., Any]]:
    """The templates' filters: numbers and lists in `lang` (or, where a passage is in another
    language, such as the Swedish report's English abstract, `locale="en"`), parameters and
    text as they are."""
    from .language import language

    def bound(method: str) -> Callable[..., Any]:
        def apply(*args: Any, locale: str | None = None, **kwargs: Any) -> Any:
            return getattr(language(locale) if locale else lang, method)(*args, **kwargs)

        return apply

    numbers = ("decimal", "integer", "sci", "rmse", "percent", "pp")
    return {
        **{name: bound(name) for name in numbers},
        "join_words": bound("join"),
        "param": param,
        "markdown": markdown,
        "paragraphs": paragraphs,
    }
