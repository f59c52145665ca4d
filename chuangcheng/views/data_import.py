"""数据导入: bring a city's own file into a layer of the store, check it on the map, commit or undo.

Committing writes the layer's next version in the store; every page shows it within seconds.
The commit carries the version the user previewed against: if someone else committed the layer
in between, nothing is written and the user is asked to preview again.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from chuangcheng import registry
from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.permissions import ACTIONS, allowed
from chuangcheng.ingest import sandbox
from chuangcheng.ingest.coordinates import SYSTEMS, diagnose, reference_distance_fn
from chuangcheng.ingest.export import FORMATS, export_layer
from chuangcheng.ingest.export import SYSTEMS as EXPORT_SYSTEMS
from chuangcheng.ingest.fields import LAYER_FIELDS, LAYER_TITLES, guess_mapping
from chuangcheng.ingest.importer import TABLE_SUFFIXES, VECTOR_SUFFIXES
from chuangcheng.ingest.mappings import load_mapping, save_mapping
from chuangcheng.ingest.server_files import list_files, resolve
from chuangcheng.layers.preview import build_preview_map
from chuangcheng.paths import USER_DIR
from chuangcheng.store import imports
from chuangcheng.store import layers as store_layers
from chuangcheng.store.errors import StoreError
from chuangcheng.ui.auth_gate import sign_in_form, signed_in
from chuangcheng.ui.data import engine as store_engine
from chuangcheng.ui.data import live_refresh, load_city
from chuangcheng.ui.exports import download
from chuangcheng.ui.settings import client_address, import_folder, store_url
from chuangcheng.ui.uploads import UPLOAD_HELP, saved_upload, to_csv_bytes
from chuangcheng.ui.widgets import PAGE_CSS, flash, header_html, md_text, show_flashes

NOT_MAPPED = "（不导入）"
PREVIEW_ROWS = 5000  # drawn on the preview map; a larger file is sampled


def _mappings_path():

    return USER_DIR / "import_mappings.json"


def _reference_distance(city, layer):
    reference = city.get(layer)
    return None if reference is None or reference.empty else reference_distance_fn(reference)


def _do_commit(engine, actor, imported, base_version: int, headers: list[str], mapping: dict) -> None:
    """The commit button's callback: runs before the page re-renders, with the version the user
    previewed against (bound when the button was drawn). The rows are committed by a child
    process from the file the parse left on the server; they never pass through this one."""
    try:
        result = sandbox.commit(
            imported, store_url=store_url(), actor=actor, expected_version=base_version, address=client_address()
        )
        save_mapping(_mappings_path(), imported.layer, headers, mapping)
        st.session_state["imp_round"] = st.session_state.get("imp_round", 0) + 1  # a fresh, empty uploader
        imported.discard()
        st.session_state.pop("imp_parsed", None)
        extra = f"；按文件中的已施划泊位写入施划记录 {result['painted']} 条" if result["painted"] else ""
        flash(
            "success",
            f"已写入“{LAYER_TITLES[imported.layer]}”第 {result['version']} 版：新增 {result['added']}，"
            f"更新 {result['updated']}，保留 {result['kept']} 条{extra}。各页面将在几秒内显示新数据。",
        )
    except (StoreError, CityDataError) as exc:
        flash("error", str(exc))


def _do_restore(engine, actor, layer: str, head: int) -> None:
    """The restore button's callback: the version chosen now, the head the user saw."""
    version = int(st.session_state["exp_restore"])
    try:
        result = imports.restore(engine, layer, version, actor=actor, expected_version=head, address=client_address())
        flash("success", f"已将“{registry.layer(layer).title_zh}”第 {version} 版恢复为第 {result.version} 版。")
    except StoreError as exc:
        flash("error", str(exc))


def _parsed(key: tuple, parse):
    """The child's result for this file and these settings, kept for the session (a rerun of the
    page does not parse the file again); the previous file's leftovers are removed."""
    held = st.session_state.get("imp_parsed")
    if held is not None and held[0] == key:
        return held[1]
    if held is not None and hasattr(held[1], "discard"):
        held[1].discard()
    result = parse()
    st.session_state["imp_parsed"] = (key, result)
    return result


def _plan(engine, report) -> store_layers.Plan:
    """The commit plan against the layer's current version, worked out by a child process from
    the accepted rows' keys; kept for the session until the layer moves on."""
    with engine.connect() as conn:
        head = store_layers.head_version(conn, report.layer)
    key = (str(report.folder), head)
    held = st.session_state.get("imp_plan")
    if held is None or held[0] != key:
        held = (key, store_layers.Plan(**sandbox.plan(report, store_url=store_url())))
        st.session_state["imp_plan"] = held
    return held[1]


def _choose_source(actor):
    """The file to import: an upload, or (for accounts that may) a file in the server's import
    folder. Returns (the chosen file's name or upload, the folder), the file ``None`` until chosen."""
    folder = import_folder()
    from_server = False
    if folder is not None and actor is not None and allowed(actor.role, "layer.import_server_file"):
        from_server = (
            st.radio(
                "文件来源",
                ["上传文件", "服务器导入目录"],
                horizontal=True,
                key="imp_source",
                help=f"超过上传上限的大文件由管理员放入服务器导入目录 {folder.name}/ 后在此选择。",
            )
            == "服务器导入目录"
        )
    if from_server:
        names = list_files(folder, actor)
        chosen = st.selectbox(
            "服务器导入目录中的文件",
            names,
            index=None,
            key="imp_server_file",
            placeholder="选择文件" if names else "目录中没有可导入的文件",
        )
        return chosen, folder
    upload = st.file_uploader(
        "选择文件",
        type=[s.lstrip(".") for s in TABLE_SUFFIXES + VECTOR_SUFFIXES],
        key=f"imp_upload_{st.session_state.get('imp_round', 0)}",
        help=UPLOAD_HELP,
    )
    return upload, folder


def _column_mapping(layer: str, headers: list[str]) -> dict[str, str]:
    """The user's choice of file column for each field, starting from the remembered or guessed one."""
    remembered = load_mapping(_mappings_path(), layer, headers)
    guessed = remembered or guess_mapping(headers, layer)
    st.markdown("##### 列对应" + ("（沿用上次同类文件的设置）" if remembered else "（已按列名自动识别）"))
    cols = st.columns(4)
    mapping = {}
    for i, spec in enumerate(LAYER_FIELDS[layer]):
        options = [NOT_MAPPED, *headers]
        default = options.index(guessed[spec.name]) if spec.name in guessed else 0
        chosen = cols[i % 4].selectbox(
            spec.title_zh + ("（必填）" if spec.required else ""),
            options,
            index=default,
            key=f"imp_map_{layer}_{spec.name}",
        )
        if chosen != NOT_MAPPED:
            mapping[spec.name] = chosen
    return mapping


def _show_report(report, city, layer: str, display: str):
    """The import's summary, coordinate warnings, repairs, rejected rows (downloadable) and
    skipped rows; returns the preview sample (``None`` when nothing was accepted)."""
    st.success(md_text(report.summary()))
    sample = report.accepted(limit=PREVIEW_ROWS) if report.n_accepted else None
    if sample is not None:
        pts = sample.geometry.representative_point()
        for warning in diagnose(
            pts.x.to_numpy(),
            pts.y.to_numpy(),
            city_bounds=tuple(city["districts"].total_bounds),
            reference_distance_m=_reference_distance(city, layer),
        ):
            st.warning(warning.message)
    for repair in report.repairs[:50]:
        st.caption(f"已修复：{md_text(repair)}")
    if not report.rejected.empty:
        rejected = report.rejected.rename(columns={"file": "文件", "row": "行号", "reason": "原因"})
        st.markdown(
            f"##### 被拒绝的行（共 {len(rejected):,} 行{'，下表列出前 1,000 行' if len(rejected) > 1000 else ''}）"
        )
        st.dataframe(rejected.head(1000), hide_index=True, width="stretch")
        download(
            st,
            "下载被拒绝的行（CSV，修改后可重新导入）",
            to_csv_bytes(rejected),
            file_name=f"{display}_被拒绝的行.csv",
            mime="text/csv",
            key="imp_rejected",
            what=f"被拒绝的行：{display}",
            rows=len(rejected),
        )
    if report.skipped:
        st.caption(md_text("跳过：" + "；".join(f"第 {r} 行（{why}）" for r, why in report.skipped[:30])))
    return sample


def _offer_commit(engine, actor, report, layer: str, headers: list[str]) -> None:
    """What the commit will do to the layer, and the button that does it (for accounts that may)."""
    declared = registry.layer(layer)
    try:
        plan = _plan(engine, report)
    except (StoreError, CityDataError) as exc:
        st.error(md_text(exc))
        return
    st.markdown(
        f"当前为第 **{plan.base_version}** 版。确认后写入第 **{plan.base_version + 1}** 版："
        f"新增 {plan.added:,}，更新 {plan.updated:,}（按{declared.field(plan.key).title_zh}匹配），"
        f"保留 {plan.kept:,} 条。"
    )
    if actor is None or not allowed(actor.role, "layer.import"):
        st.info(f"写入需要以{'、'.join(ACTIONS['layer.import'][1])}账号登录。")
        return
    st.button(
        "确认导入（按编号更新，不重复）",
        type="primary",
        key="imp_commit",
        on_click=_do_commit,
        args=(engine, actor, report, plan.base_version, headers, report.mapping),
    )


def _import_section(engine, actor, state) -> None:
    """Choose a layer and a file, map its columns, read it in the sandbox, show what was
    accepted and refused, preview it on the map, and offer the commit."""
    city = state.frames
    layer = st.selectbox("导入到图层", list(LAYER_FIELDS), format_func=LAYER_TITLES.__getitem__, key="imp_layer")
    source, folder = _choose_source(actor)
    system = st.selectbox("文件的坐标系", list(SYSTEMS), format_func=SYSTEMS.__getitem__, key="imp_system")
    if source is None:
        st.info("请选择文件。")
        return
    try:
        if isinstance(source, str):  # a file in the server's import folder
            path, display = resolve(folder, source, actor), source
        else:
            path, display = saved_upload(source), source.name
        headers = _parsed(("headers", str(path), layer), lambda: sandbox.file_headers(path, layer, display))
        mapping = _column_mapping(layer, headers)
        report = _parsed(
            ("import", str(path), layer, system, tuple(sorted(mapping.items()))),
            lambda: sandbox.import_file(path, layer, display_name=display, system=system, mapping=mapping or None),
        )
    except (CityDataError, StoreError) as exc:
        st.error(md_text(exc))
        return
    sample = _show_report(report, city, layer, display)
    if sample is None:
        return
    shown = (
        ""
        if report.n_accepted <= PREVIEW_ROWS
        else f"（共 {report.n_accepted:,} 条，地图上显示随机 {PREVIEW_ROWS:,} 条）"
    )
    st_folium(
        build_preview_map(city, state.meta, sample, title=f"{LAYER_TITLES[layer]}导入预览{shown}"),
        height=480,
        use_container_width=True,
        key="imp_preview",
        returned_objects=[],
    )
    _offer_commit(engine, actor, report, layer, headers)


def _versions_section(engine, actor) -> None:
    st.markdown("#### 图层版本、恢复与导出")
    names = [spec.name for spec in registry.LAYERS]
    layer = st.selectbox("图层", names, format_func=lambda n: registry.layer(n).title_zh, key="exp_layer")
    history = store_layers.versions(engine, layer)
    if history:
        table = pd.DataFrame(
            [
                {
                    "版本": v.version,
                    "操作": store_layers.ACTION_TITLES.get(v.action, v.action),
                    "时间": v.committed_at.strftime("%Y-%m-%d %H:%M"),
                    "操作人": v.committed_by,
                    "来源": v.source_name,
                    "要素数": v.rows,
                    "新增": v.added,
                    "更新": v.updated,
                    "删除": v.removed,
                }
                for v in reversed(history)
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch", height=min(250, 40 + 35 * len(table)))
    head = history[-1].version if history else 0
    left, right = st.columns(2)
    if head > 1 and actor is not None and allowed(actor.role, "layer.restore"):
        left.selectbox("恢复到版本", list(range(head - 1, 0, -1)), key="exp_restore")
        left.button(
            f"恢复（当前为第 {head} 版）",
            key="exp_restore_btn",
            on_click=_do_restore,
            args=(engine, actor, layer, head),
        )
    fmt = str(right.selectbox("导出格式", list(FORMATS), format_func=FORMATS.__getitem__, key="exp_fmt"))
    system = str(
        right.selectbox("导出坐标系", list(EXPORT_SYSTEMS), format_func=EXPORT_SYSTEMS.__getitem__, key="exp_sys")
    )
    suffix = {"gpkg": "gpkg", "geojson": "geojson", "shp": "zip", "kml": "kml", "xlsx": "xlsx"}[fmt]
    if right.button("生成导出文件", key="exp_make"):
        data = store_layers.read_layer(engine, layer).drop(columns=["source"], errors="ignore")
        download(
            right,
            "下载",
            export_layer(data, fmt, layer_name=layer, system=system),
            file_name=f"{registry.layer(layer).title_zh}_第{head}版_{EXPORT_SYSTEMS[system]}.{suffix}",
            key="exp_dl",
            what=f"图层：{registry.layer(layer).title_zh} 第 {head} 版（{fmt}）",
            rows=len(data),
        )


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    engine = store_engine()
    state = load_city()
    st.markdown(header_html("数据导入与导出", "", state.as_of.strftime("%Y-%m-%d %H:%M")), unsafe_allow_html=True)
    st.caption(
        "支持 CSV、Excel（.xlsx）、GeoJSON、Shapefile（zip）、KML/KMZ（含奥维）、GeoPackage。"
        "每一行都会被接受、拒绝（附原因）或跳过（空行、合计行）；拒绝的行可下载修改后重新导入。"
        "确认导入后，作战挂图、15分钟生活圈、问题台账、大屏与宣传导出都会在几秒内显示新数据。"
    )
    actor = signed_in()
    if actor is None:
        with st.expander(f"登录后可写入数据（{'、'.join(ACTIONS['layer.import'][1])}）"):
            actor = sign_in_form(engine)
    show_flashes()
    _import_section(engine, actor, state)
    _versions_section(engine, actor)
    live_refresh()


render()
