import folium

from chuangcheng.layers.assets import new_map, remote_assets
from chuangcheng.layers.export import ExportControl, NorthArrow


def test_export_control_uses_the_local_html_to_image():
    fmap = new_map()
    ExportControl("作战图").add_to(fmap)
    NorthArrow().add_to(fmap)
    assert remote_assets(fmap) == []
    page = fmap.get_root().render()
    assert "/app/static/vendor/html-to-image/html-to-image.js" in page
    assert "window.ccExportPng" in page and "cc-north" in page
    assert isinstance(fmap, folium.Map)
