import folium

from chuangcheng.layers.controls import LegendItem, LegendSection, NameLabels, legend_control, legend_html


def test_legend_escapes_titles_and_labels():
    html = legend_html([LegendSection("<b>图层</b>", (LegendItem("<img src=x>", "#fff"),))], footer="<i>注</i>")
    assert "<b>" not in html and "<img" not in html and "<i>" not in html
    assert "&lt;img src=x&gt;" in html


def test_legend_is_a_leaflet_control_in_the_map():
    fmap = folium.Map(tiles=None)
    control = legend_control([LegendSection("公厕", (LegendItem("固定公厕（2）", "#2166ac"),))])
    control.add_to(fmap)
    page = fmap.get_root().render()
    assert "固定公厕（2）" in control.inner_html
    assert f"var {control.get_name()} = L.control(" in page and "bottomright" in page


def test_name_labels_escape_and_cannot_close_the_script():
    labels = NameLabels([(40.0, 113.0, "</script><b>x")], css_class="cc-label-street")
    assert "</script>" not in labels.labels_json and "&lt;b&gt;" in labels.labels_json
