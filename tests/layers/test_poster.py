"""Posters and chart images: right size and dpi, and a CJK font embedded in the PDF."""

import io
import re

import pytest
from PIL import Image

from geo import kpi
from layers import poster
from layers.poster import PosterSpec, progress_chart, ranking_chart, render_poster, to_bytes
from tests.artifacts import ARTIFACTS


def _focus(frames):
    admin = frames["admin_boundaries"]
    return admin[admin["adcode"] == "140213"]


@pytest.mark.parametrize("paper, landscape, size_px", [("A3", True, (4960, 3507)), ("A4", False, (2480, 3507))])
def test_poster_png_is_300_dpi_at_paper_size(demo_city, paper, landscape, size_px):
    """A3 is 420×297 mm and A4 297×210 mm; at 300 dpi that is 4960.6×3507.9 px, 2480.3×3507.9 px."""
    frames, meta = demo_city.frames, demo_city.meta
    spec = PosterSpec("大同市平城区 创城作战图", "副标题", paper=paper, landscape=landscape,
                      date_text="数据截至 2026-11-20", source_note="示范数据", generated_label="示范数据（程序生成）")
    png = to_bytes(render_poster(frames, meta, spec, focus=_focus(frames)), "png")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"poster-{paper}-{'landscape' if landscape else 'portrait'}.png").write_bytes(png)
    image = Image.open(io.BytesIO(png))
    assert image.size == size_px
    assert round(image.info["dpi"][0]) == 300


def test_poster_pdf_page_size_and_embedded_cjk_font(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    spec = PosterSpec("创城作战图", "副标题", paper="A4", landscape=True)
    pdf = to_bytes(render_poster(frames, meta, spec, focus=_focus(frames)), "pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "poster-A4-landscape.pdf").write_bytes(pdf)
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box and abs(float(box.group(1)) - 841.89) < 1 and abs(float(box.group(2)) - 595.28) < 1
    assert b"NotoSansCJKsc" in pdf and re.search(rb"/FontFile\d?", pdf)


def test_charts_are_pngs(demo_city):
    frames = demo_city.frames
    progress = frames["progress"]
    for fig in (progress_chart(progress, "parking_progress", title="施划", note="n"),
                progress_chart(progress, "problems", title="问题", note="n"),
                ranking_chart(kpi.area_ranking(frames["inspection_points"], frames["cases"], frames["streets"],
                                               code_col="street_code", name_col="street_name"),
                              title="排名", note="n")):
        png = to_bytes(fig, "png")
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and Image.open(io.BytesIO(png)).size[0] == 1600


def test_missing_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(poster, "FONT_FILES", ("/nonexistent/font.ttc",))
    with pytest.raises(poster.FontMissingError, match="fonts-noto-cjk"):
        poster.use_cjk_font()
