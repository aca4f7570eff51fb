from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def citation_link(citation: str) -> dict:
    """``PMID:123`` -> a PubMed link; an http(s) URL -> itself; anything else -> plain text."""
    text = citation.strip()
    if text.upper().startswith("PMID:"):
        pmid = text.split(":", 1)[1].strip()
        if pmid.isdigit():
            return {"text": f"PMID {pmid}", "url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"}
    if text.startswith(("https://", "http://")):
        return {"text": text, "url": text}
    return {"text": text, "url": None}


@register.filter
def citations(value: str | None):
    """Render ``"PMID:1; https://..."`` as escaped links, separated by semicolons."""
    parts = [citation_link(part) for part in (value or "").split(";") if part.strip()]
    return format_html_join(
        "; ",
        "{}",
        (
            (
                format_html(
                    '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
                    p["url"],
                    p["text"],
                )
                if p["url"]
                else p["text"],
            )
            for p in parts
        ),
    )
