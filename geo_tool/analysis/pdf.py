"""The typeset waterbed report (reportlab): conclusion page, evidence per wijk, charts, methods appendix."""

from __future__ import annotations

from pathlib import Path

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle,
)
from xml.sax.saxutils import escape

from geo_tool.analysis.narrative import EVIDENCE_HEADER, METHODS_NL, SIGNAL_HEADER, conclusion, wijk_sections
from geo_tool.analysis.waterbed import WaterbedResult
from geo_tool.fileio import atomic_path

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
VERDICT_COLOURS = {"displacement": colors.HexColor("#b2182b"), "diffusion": colors.HexColor("#1a9850"),
                   "no_evidence": colors.HexColor("#555555")}


def _fonts() -> None:
    """Register DejaVu Sans (ships with matplotlib) so that é, ë, ², ≥ and – print."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(ttf / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(ttf / "DejaVuSans-Bold.ttf")))
    from reportlab.pdfbase.pdfmetrics import registerFontFamily

    registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    s = {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=BOLD, fontSize=18, leading=22, alignment=TA_LEFT),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=BOLD, fontSize=14, leading=18, spaceBefore=6),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=FONT, fontSize=10, leading=14, spaceAfter=4),
        "lead": ParagraphStyle("l", parent=base["BodyText"], fontName=BOLD, fontSize=12.5, leading=17, spaceAfter=8),
        "bullet": ParagraphStyle("bu", parent=base["BodyText"], fontName=FONT, fontSize=10, leading=14, leftIndent=12,
                                 bulletIndent=2, spaceAfter=4),
        "small": ParagraphStyle("s", parent=base["BodyText"], fontName=FONT, fontSize=8, leading=10.5,
                                textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontName=FONT, fontSize=7.8, leading=9.6),
        "cellb": ParagraphStyle("cb", parent=base["BodyText"], fontName=BOLD, fontSize=7.8, leading=9.6),
    }
    return s


def _table(header: list[str], rows: list[list[str]], widths: list[float], st: dict) -> Table:
    data = [[Paragraph(escape(h), st["cellb"]) for h in header]]
    data += [[Paragraph(escape(str(c)), st["cell"]) for c in r] for r in rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return t


def _image(path: Path, max_w: float, max_h: float) -> Image:
    w, h = ImageReader(str(path)).getSize()
    scale = min(max_w / w, max_h / h)
    return Image(str(path), width=w * scale, height=h * scale)


def write_report_pdf(result: WaterbedResult, path: Path, charts: list[tuple[str, Path]], note: str) -> Path:
    """Typeset report.pdf: page 1 the conclusion, then the evidence per wijk, the charts, the appendix."""
    _fonts()
    st = _styles()
    c = conclusion(result)
    W = A4[0] - 3.6 * cm
    story = [Paragraph(escape(f"Waterbedanalyse {result.target_name}"), st["title"]),
             Paragraph(escape(f"Interventie vanaf {result.start:%d-%m-%Y} · {result.months_before} maanden vóór en "
                              f"{result.months_after} maanden na de start"), st["small"]),
             Spacer(1, 8), Paragraph("Conclusie", st["h1"]), Paragraph(escape(c["headline"]), st["lead"])]
    for x in c["flagged"]:
        story.append(Paragraph(escape(x), st["bullet"], bulletText="•"))
    for x in c["target"] + c["rest"]:
        story.append(Paragraph(escape(x), st["bullet"], bulletText="•"))
    story.append(Spacer(1, 8))
    story += [Paragraph(escape(x), st["small"]) for x in c["caveats"]]
    story.append(Paragraph(escape(note), st["small"]))
    story.append(PageBreak())

    story.append(Paragraph("Bewijs per wijk", st["h1"]))
    story.append(Paragraph(escape(
        "Per beoordeelde wijk: het oordeel en waarop het rust. Eerst de directe aanwijzingen (dezelfde personen en "
        "dezelfde verhuurders als in de doelwijk; aantallen huishoudens of gebeurtenissen), daarna de signalen per "
        "wijk (aantallen en de vergelijking met de stadstrend en met een nagebootste wijk)."), st["body"]))
    for sec in wijk_sections(result):
        block = [Paragraph(escape(sec.title), ParagraphStyle("hx", parent=st["h2"],
                                                              textColor=VERDICT_COLOURS.get(sec.verdict, colors.black)))]
        block += [Paragraph(escape(x), st["body"]) for x in sec.lines]
        if sec.evidence_rows:
            block.append(_table(EVIDENCE_HEADER, sec.evidence_rows,
                                [W * f for f in (0.42, 0.09, 0.09, 0.11, 0.17, 0.12)], st))
            block.append(Spacer(1, 4))
        if sec.signal_rows:
            block.append(_table(SIGNAL_HEADER, sec.signal_rows,
                                [W * f for f in (0.22, 0.09, 0.09, 0.18, 0.22, 0.20)], st))
        block.append(Spacer(1, 6))
        story.append(KeepTogether(block))
    story.append(Paragraph(escape("Bij bewoningsdichtheid staan vóór en na als ingeschrevenen per 10 m² "
                                  "(gemiddelde per maand). " + note), st["small"]))
    story.append(PageBreak())

    story.append(Paragraph("Kaarten en grafieken", st["h1"]))
    for title, p in charts:
        story.append(KeepTogether([Paragraph(escape(title), st["h2"]), _image(p, W, A4[1] - 7 * cm)]))
        story.append(Spacer(1, 6))
    story.append(PageBreak())

    story.append(Paragraph("Bijlage: de methoden in één zin", st["h1"]))
    for k, v in METHODS_NL:
        story.append(Paragraph(f"<b>{escape(k)}</b>: {escape(v)}", st["body"]))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(1.8 * cm, 1.1 * cm, f"Waterbedanalyse {result.target_name} · geo_tool · "
                                              "aantallen afgerond op 5, onder 10 niet getoond")
        canvas.drawRightString(A4[0] - 1.8 * cm, 1.1 * cm, f"pagina {doc.page}")
        canvas.restoreState()

    with atomic_path(path) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.6 * cm,
                                bottomMargin=1.8 * cm, title=f"Waterbedanalyse {result.target_name}", author="geo_tool")
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path
