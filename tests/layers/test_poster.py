"""Posters and chart images: right size and dpi, and a CJK font embedded in the PDF."""

import io
import re

import pytest
from PIL import Image

from chuangcheng.geo import kpi
from chuangcheng.geo.crs import local_metric_crs
from chuangcheng.layers import poster
from chuangcheng.layers.poster import (
    CoverageLayer,
    KeyFigure,
    PosterSpec,
    progress_chart,
    ranking_chart,
    render_poster,
    save_wechat,
    to_bytes,
)
from tests.artifacts import ARTIFACTS


def _focus(frames):
    admin = frames["admin_boundaries"]
    return admin[admin["adcode"] == "140213"]


FIGURES = (
    KeyFigure("测评点位达标率", "64.5%", "达标 49 / 已测评 76"),
    KeyFigure("未整改问题", "19", "在办案件"),
    KeyFigure("问题办结率", "85.3%", "已办结 110 / 发现 129（结案、作废、不予立案计为办结）"),
)
SIZES = [
    ("A3", True, (4960, 3507)),
    ("A3", False, (3507, 4960)),
    ("A4", True, (3507, 2480)),
    ("A4", False, (2480, 3507)),
    ("wechat", False, (1080, 1620)),
]


def _texts_outside_the_map(fig):
    from matplotlib.text import Text

    map_ax = next(a for a in fig.axes if a.get_label() == "map")
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and t.axes is not map_ax]


@pytest.mark.parametrize("paper, landscape, size_px", SIZES)
def test_poster_fills_the_page_at_its_size(demo_city, paper, landscape, size_px):
    """A3 is 420×297 mm and A4 297×210 mm: at 300 dpi 4960.6×3507.9 px and 3507.9×2480.3 px; the
    WeChat image is 1080 px wide. The map frame takes at least 45 % of the page and shows the
    map at equal scale right to its edges; nothing outside the map runs off the page; the
    legend lists what is drawn."""
    frames, meta = demo_city.frames, demo_city.meta
    spec = PosterSpec(
        "大同市平城区 创城作战图",
        "测评点位、网格、停车、公厕与农贸市场分布",
        paper=paper,
        landscape=landscape,
        date_text="数据截至 2026-11-20",
        source_note="示范数据",
        generated_label="示范数据（程序生成）",
        figures=FIGURES,
    )
    fig = render_poster(frames, meta, spec, focus=_focus(frames))
    fig.canvas.draw()
    page = fig.bbox
    map_ax = next(a for a in fig.axes if a.get_label() == "map")
    frame = map_ax.get_window_extent()
    fill = frame.width * frame.height / (page.width * page.height)
    x0, x1 = map_ax.get_xlim()
    y0, y1 = map_ax.get_ylim()
    assert (x1 - x0) / (y1 - y0) == pytest.approx(frame.width / frame.height, rel=0.01)  # map reaches every edge
    west, south, east, north = _focus(frames).to_crs(local_metric_crs(_focus(frames))).total_bounds
    assert x0 < west and east < x1 and y0 < south and north < y1  # the whole area is on the map
    outside = [
        t.get_text()
        for t in _texts_outside_the_map(fig)
        if not page.contains(*t.get_window_extent().p0) or not page.contains(*t.get_window_extent().p1)
    ]
    texts = [t.get_text() for t in _texts_outside_the_map(fig)]
    legend = " ".join(texts)
    print(f"\n{paper}{'横' if landscape else '竖'}：地图框占页面 {fill:.0%}")
    assert fill >= 0.45 and outside == []
    boxes = [(t.get_text(), t.get_window_extent()) for t in _texts_outside_the_map(fig)]
    overlapping = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1 :] if box_a.overlaps(box_b)]
    assert overlapping == []
    for f in FIGURES:
        assert f.value in texts and f.label in texts
    for drawn in (
        "公共停车场",
        "网格界线",
        "社区界线",
        "街道界线",
        "道路",
        "区界",
        "测评点位 不达标",
        "农贸市场 已改造",
    ):
        assert drawn in legend, drawn
    assert poster.SCHEMATIC_NOTE in legend and "副标题" not in legend
    map_texts = [t.get_text() for t in map_ax.texts]
    assert "示范数据（程序生成）" in map_texts
    if paper == "wechat":
        data, ext = save_wechat(fig)
        assert len(data) < 1_000_000
    else:
        data, ext = to_bytes(fig, "png"), "png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"poster-{paper}-{'landscape' if landscape else 'portrait'}.{ext}").write_bytes(data)
    image = Image.open(io.BytesIO(data))
    assert image.size == size_px
    if paper != "wechat":
        assert round(image.info["dpi"][0]) == 300


def test_a_poster_carries_its_map_approval_number(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    fig = render_poster(
        frames, meta, PosterSpec("图", "", paper="A4", map_approval="晋S（2026）001号"), focus=_focus(frames)
    )
    texts = " ".join(t.get_text() for t in _texts_outside_the_map(fig))
    assert "审图号：晋S（2026）001号" in texts and poster.SCHEMATIC_NOTE not in texts


def test_a_coverage_poster_states_its_share_and_threshold(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    compounds = frames["compounds"].assign(
        distance_m=[100.0, 900.0] * (len(frames["compounds"]) // 2) + [100.0] * (len(frames["compounds"]) % 2)
    )
    compounds["covered"] = compounds["distance_m"] <= 300
    layer = CoverageLayer(compounds, frames["public_toilets"], 300.0, "公厕", "GB 55013-2021 §5.0.1")
    spec = PosterSpec(
        "公厕步行覆盖",
        "",
        paper="A4",
        coverage=layer,
        figures=(KeyFigure("服务半径", "300 米", "GB 55013-2021 §5.0.1"),),
    )
    fig = render_poster(frames, meta, spec, focus=_focus(frames))
    texts = " ".join(t.get_text() for t in _texts_outside_the_map(fig))
    assert "超过 300 米（未覆盖）" in texts and "GB 55013-2021 §5.0.1" in texts
    assert "测评点位 达标" not in texts  # a coverage poster draws the coverage, not the mission layers


def test_a_poster_survives_another_session_ending_while_it_draws(demo_city, monkeypatch):
    """Streamlit runs pyplot.close("all") whenever any session's script ends (script_runner's
    _clean_problem_modules); on the server that happens while another user's poster is drawing."""
    import matplotlib.pyplot as plt

    frames, meta = demo_city.frames, demo_city.meta
    draw_map = poster._draw_map

    def other_session_ends(*args, **kwargs):
        handles = draw_map(*args, **kwargs)
        plt.close("all")
        return handles

    monkeypatch.setattr(poster, "_draw_map", other_session_ends)
    for paper in ("A4", "wechat"):
        fig = render_poster(frames, meta, PosterSpec("图", "", paper=paper), focus=_focus(frames))
        image = poster.save_wechat(fig)[0] if paper == "wechat" else to_bytes(fig, "png")
        assert image[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0"[:4])


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
    for fig in (
        progress_chart(progress, "parking_progress", title="施划", note="n"),
        progress_chart(progress, "problems", title="问题", note="n"),
        ranking_chart(
            kpi.area_ranking(
                frames["inspection_points"],
                frames["cases"],
                frames["streets"],
                code_col="street_code",
                name_col="street_name",
            ),
            title="排名",
            note="n",
        ),
    ):
        png = to_bytes(fig, "png")
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and Image.open(io.BytesIO(png)).size[0] == 1600


def test_missing_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(poster, "FONT_FILES", ("/nonexistent/font.ttc",))
    with pytest.raises(poster.FontMissingError, match="fonts-noto-cjk"):
        poster.use_cjk_font()


def test_wrapped_definitions_follow_chinese_line_breaking():
    text = "已办结 282 / 发现 325（结案、作废、不予立案计为办结）"
    for width in range(8, 30):
        lines = poster._wrap(text, width).split("\n")
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
        assert not any(line[0] in "）、，。" for line in lines[1:]), (width, lines)
        assert not any(line.endswith("（") for line in lines), (width, lines)
        assert "282" in "".join(lines) and all("28\n2" not in x for x in lines)
