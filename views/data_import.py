"""数据导入: bring a city's own file into a layer, check it on the map, commit or undo."""

from __future__ import annotations

import hashlib
import html
import tempfile
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo import citydata
from geo.errors import CityDataError
from geo.ingest.coordinates import SYSTEMS, diagnose, reference_distance_fn
from geo.ingest.export import FORMATS, SYSTEMS as EXPORT_SYSTEMS, export_layer
from geo.ingest.fields import LAYER_FIELDS, LAYER_TITLES, guess_mapping
from geo.ingest.importer import TABLE_SUFFIXES, VECTOR_SUFFIXES, file_headers, import_file
from geo.ingest.mappings import load_mapping, save_mapping
from geo.ingest.store import LayerStore
from layers.preview import build_preview_map
from ui.data import load_city
from ui.widgets import PAGE_CSS, header_html

STORE_ROOT = citydata.PROJECT_ROOT / "data" / "store"
MAPPINGS_PATH = citydata.PROJECT_ROOT / "data" / "user" / "import_mappings.json"
UPLOAD_DIR = Path(tempfile.gettempdir()) / "chuangcheng-uploads"
NOT_MAPPED = "（不导入）"


def _saved_upload(upload) -> Path:
    """Uploads are written under a content-hash name (the user's file name never becomes a path)."""
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    suffix = Path(upload.name).suffix.lower()
    if suffix not in TABLE_SUFFIXES + VECTOR_SUFFIXES:
        raise CityDataError(f"不支持的文件类型 “{suffix}”。")
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    path = UPLOAD_DIR / f"{digest}{suffix}"
    path.write_bytes(data)
    return path


def _reference_distance(city, layer):
    reference = city.get(layer)
    return None if reference is None or reference.empty else reference_distance_fn(reference)


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    city, meta = load_city()
    st.markdown(header_html("数据导入与导出", "", meta.get("as_of", "")), unsafe_allow_html=True)
    st.caption("支持 CSV、Excel（.xlsx）、GeoJSON、Shapefile（zip）、KML/KMZ（含奥维）、GeoPackage。"
               "每一行都会被接受、拒绝（附原因）或跳过（空行、合计行）；拒绝的行可下载修改后重新导入。")

    layer = st.selectbox("导入到图层", list(LAYER_FIELDS), format_func=LAYER_TITLES.get, key="imp_layer")
    upload = st.file_uploader("选择文件", type=[s.lstrip(".") for s in TABLE_SUFFIXES + VECTOR_SUFFIXES],
                              key="imp_upload")
    server_path = st.text_input("或填写服务器上的文件路径（管理员）", key="imp_path")
    system = st.selectbox("文件的坐标系", list(SYSTEMS), format_func=SYSTEMS.get, key="imp_system")
    try:
        path = _saved_upload(upload) if upload is not None else (Path(server_path) if server_path else None)
        if path is None:
            st.info("请选择文件。")
            _export_section()
            return
        if not path.is_file():
            raise CityDataError(f"找不到文件 {path}。")
        headers = file_headers(path, layer)
        remembered = load_mapping(MAPPINGS_PATH, layer, headers)
        guessed = remembered or guess_mapping(headers, layer)
        st.markdown("##### 列对应" + ("（沿用上次同类文件的设置）" if remembered else "（已按列名自动识别）"))
        cols = st.columns(4)
        mapping = {}
        for i, spec in enumerate(LAYER_FIELDS[layer]):
            options = [NOT_MAPPED, *headers]
            default = options.index(guessed[spec.name]) if spec.name in guessed else 0
            chosen = cols[i % 4].selectbox(spec.title_zh + ("（必填）" if spec.required else ""), options,
                                           index=default, key=f"imp_map_{layer}_{spec.name}")
            if chosen != NOT_MAPPED:
                mapping[spec.name] = chosen
        report = import_file(path, layer, system=system, mapping=mapping or None)
    except CityDataError as exc:
        st.error(str(exc))
        _export_section()
        return

    st.success(report.summary().replace(path.name, upload.name if upload is not None else path.name))
    if len(report.accepted):
        pts = report.accepted.geometry.representative_point()
        admin = city["admin_boundaries"]
        district = admin[admin["adcode"] == meta.get("adcode", "")]
        for warning in diagnose(pts.x.to_numpy(), pts.y.to_numpy(), city_bounds=tuple(district.total_bounds),
                                reference_distance_m=_reference_distance(city, layer)):
            st.warning(warning.message)
    for repair in report.repairs[:50]:
        st.caption(f"已修复：{html.escape(repair)}")
    if not report.rejected.empty:
        st.markdown("##### 被拒绝的行")
        st.dataframe(report.rejected, hide_index=True, width="stretch")
        st.download_button("下载被拒绝的行（CSV，修改后可重新导入）",
                           report.rejected.to_csv(index=False).encode("utf-8-sig"),
                           file_name="被拒绝的行.csv", mime="text/csv", key="imp_rejected")
    if report.skipped:
        st.caption("跳过：" + "；".join(f"第 {r} 行（{why}）" for r, why in report.skipped[:30]))
    if len(report.accepted):
        st_folium(build_preview_map(city, meta, report.accepted, title=f"{LAYER_TITLES[layer]}导入预览"),
                  height=480, use_container_width=True, key="imp_preview", returned_objects=[])
        if st.button("确认导入（按编号更新，不重复）", type="primary", key="imp_commit"):
            result = LayerStore(STORE_ROOT).commit(layer, report.accepted)
            save_mapping(MAPPINGS_PATH, layer, headers, report.mapping)
            st.success(f"已写入第 {result.version} 版：新增 {result.added}，更新 {result.updated}，"
                       f"保留 {result.kept} 条。")
    _export_section()


def _export_section() -> None:
    store = LayerStore(STORE_ROOT)
    st.markdown("#### 图层导出与版本")
    imported = {f"store:{layer}": f"已导入：{LAYER_TITLES[layer]}" for layer in LAYER_FIELDS if store.versions(layer)}
    city_layers = {f"city:{spec.name}": f"本市数据：{spec.title_zh}" for spec in citydata.LAYERS
                   if spec.geometry is not None}
    choices = {**imported, **city_layers}
    chosen = st.selectbox("图层", list(choices), format_func=choices.get, key="exp_layer")
    source, layer = chosen.split(":", 1)
    left, right = st.columns(2)
    if source == "store":
        versions = store.versions(layer)
        left.caption(f"共 {len(versions)} 个版本，当前为第 {versions[-1]} 版。")
        restore_to = left.selectbox("恢复到版本", versions[:-1] or [versions[-1]], key="exp_restore")
        if left.button("恢复", key="exp_restore_btn", disabled=len(versions) < 2):
            st.success(f"已将第 {restore_to} 版恢复为第 {store.restore(layer, restore_to)} 版。")
        data = store.read(layer)
    else:
        data = citydata.read_layer(layer)
    fmt = right.selectbox("导出格式", list(FORMATS), format_func=FORMATS.get, key="exp_fmt")
    system = right.selectbox("导出坐标系", list(EXPORT_SYSTEMS), format_func=EXPORT_SYSTEMS.get, key="exp_sys")
    suffix = {"gpkg": "gpkg", "geojson": "geojson", "shp": "zip", "kml": "kml", "xlsx": "xlsx"}[fmt]
    title = choices[chosen].split("：", 1)[1]
    if right.button("生成导出文件", key="exp_make"):
        right.download_button("下载", export_layer(data, fmt, layer_name=layer, system=system),
                              file_name=f"{title}_{EXPORT_SYSTEMS[system]}.{suffix}", key="exp_dl")


render()
