"""The case report as a PDF (reportlab). Plain Python: takes a ReportData, returns bytes.

Every string that came from a user or an uploaded file is escaped before it reaches
reportlab's paragraph markup.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)


@dataclass
class ReportData:
    title: str
    version: int
    generated_at: str
    generated_by: str
    case_fields: list[tuple[str, str]]
    recommendations: list[dict]
    resistance: list[dict]
    variants: list[dict]
    variant_total: int
    versions: dict[str, str]
    biomarkers: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extra_sections: list[tuple[str, list[list[str]], list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


STYLES = getSampleStyleSheet()
SMALL = ParagraphStyle("small", parent=STYLES["BodyText"], fontSize=8, leading=10)
CELL = ParagraphStyle("cell", parent=SMALL, fontSize=7.5, leading=9)
TABLE_STYLE = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f3a5f")),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5f9")]),
    ]
)


def _p(text, style=CELL) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def _table(header: list[str], rows: list[list], widths: list[float]) -> LongTable:
    data = [[_p(h) for h in header]] + [[_p(cell) for cell in row] for row in rows]
    table = LongTable(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def render_report(data: ReportData) -> bytes:
    """Render the report; the footer carries the report version and page numbers."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=data.title,
        author="DART",
        invariant=1,
    )

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(
            15 * mm, 10 * mm, f"DART report version {data.version} - generated {data.generated_at}"
        )
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    story: list = [
        Paragraph(escape(data.title), STYLES["Title"]),
        _p(
            f"Report version {data.version}, generated {data.generated_at} by {data.generated_by}",
            SMALL,
        ),
        Spacer(1, 4 * mm),
    ]
    header = Table(
        [[_p(k, SMALL), _p(v, SMALL)] for k, v in data.case_fields], colWidths=[45 * mm, 135 * mm]
    )
    header.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    story += [header, Spacer(1, 5 * mm)]

    story.append(Paragraph("Ranked therapy options", STYLES["Heading2"]))
    if data.recommendations:
        story.append(
            _table(
                ["#", "Therapy", "ESCAT", "AMP", "Biomarkers", "Evidence", "Rationale"],
                [
                    [
                        r["rank"], r["therapy"], r.get("escat") or "",
                        f"{r.get('amp_tier', '')}{r.get('amp_level', '')}",
                        ", ".join(r.get("biomarkers", [])),
                        "; ".join(_evidence_label(e) for e in r.get("evidence", [])),
                        r.get("rationale", ""),
                    ]
                    for r in data.recommendations
                ],
                [7, 30, 12, 10, 25, 40, 56],
            )
        )  # fmt: skip
    else:
        story.append(
            _p("No therapy option is supported by the knowledge base for this case.", SMALL)
        )
    if data.resistance:
        story.append(Paragraph("Resistance", STYLES["Heading2"]))
        story.append(
            _table(
                ["Therapy", "Biomarkers", "Evidence", "Rationale"],
                [
                    [r["therapy"], ", ".join(r.get("biomarkers", [])),
                     "; ".join(_evidence_label(e) for e in r.get("evidence", [])),
                     r.get("rationale", "")]
                    for r in data.resistance
                ],
                [35, 30, 45, 70],
            )
        )  # fmt: skip
    if data.biomarkers:
        story.append(Paragraph("Biomarkers", STYLES["Heading2"]))
        story.append(
            _table(
                ["Biomarker", "Value", "Status", "Method"],
                [[b.get("type"), f"{b.get('value')} {b.get('unit', '')}", b.get("status"),
                  b.get("method", "")] for b in data.biomarkers],
                [25, 30, 25, 100],
            )
        )  # fmt: skip
    for title, rows, head in data.extra_sections:
        story.append(Paragraph(escape(title), STYLES["Heading2"]))
        width = 180 / max(1, len(head))
        story.append(_table(head, rows, [width] * len(head)))

    story.append(Paragraph("Variants", STYLES["Heading2"]))
    shown = len(data.variants)
    story.append(
        _p(
            f"{shown} of {data.variant_total} variants shown (annotated, passed filters, "
            "ordered by oncogenicity).",
            SMALL,
        )
    )
    story.append(
        _table(
            ["Gene", "Variant", "HGVS", "Consequence", "VAF", "Depth", "Oncogenicity", "Filter"],
            [
                [v.get("gene"), v.get("variant_id"),
                 " ".join(x for x in (v.get("hgvsc"), v.get("hgvsp")) if x),
                 v.get("consequence"), _fmt(v.get("vaf")), v.get("depth") or "",
                 v.get("oncogenicity"), v.get("filters")]
                for v in data.variants
            ],
            [16, 38, 38, 28, 12, 12, 20, 16],
        )
    )  # fmt: skip
    if data.warnings:
        story.append(Paragraph("Warnings", STYLES["Heading2"]))
        for warning in data.warnings[:50]:
            story.append(_p(warning, SMALL))
    story.append(Paragraph("Data and software versions", STYLES["Heading2"]))
    story.append(
        _table(["Source", "Version"], [[k, v] for k, v in sorted(data.versions.items())], [80, 100])
    )
    for note in data.notes:
        story.append(Spacer(1, 2 * mm))
        story.append(_p(note, SMALL))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _evidence_label(evidence: dict) -> str:
    parts = [evidence.get("source"), evidence.get("level"), evidence.get("citation")]
    return " ".join(str(p) for p in parts if p)


def _fmt(value) -> str:
    return "" if value is None else f"{value:.3f}"
