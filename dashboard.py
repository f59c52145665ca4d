"""创城作战图 — the Streamlit shell: page setup and navigation only.

Run with ``streamlit run dashboard.py`` (``scripts/run.sh`` sets everything up first).
"""

import streamlit as st

from ui.settings import sign_in_required

# An emoji favicon is drawn locally; a ":material/...:" page_icon would be fetched from a public
# font host, which an intranet cannot reach (the browser test catches it).
st.set_page_config(page_title="创城作战图", page_icon="🗺️", layout="wide",
                   initial_sidebar_state="auto")  # "auto": collapsed on a phone, open on a desk

navigation = st.navigation([
    st.Page("views/battle_map.py", title="作战挂图", icon=":material/map:", default=True),
    st.Page("views/coverage.py", title="15分钟生活圈", icon=":material/directions_walk:"),
    st.Page("views/ledger.py", title="问题台账", icon=":material/assignment:", url_path="ledger"),
    st.Page("views/inspections.py", title="实地测评", icon=":material/fact_check:", url_path="inspections"),
    st.Page("views/data_import.py", title="数据导入", icon=":material/upload_file:", url_path="import"),
    st.Page("views/press.py", title="宣传导出", icon=":material/photo_camera:", url_path="press"),
    st.Page("views/wall.py", title="大屏", icon=":material/tv:", url_path="wall"),
])
# Optional sign-in for every page (a wall screen can stay open): see README, "Accounts".
required, wall_open = sign_in_required()
if required and "actor" not in st.session_state and not (wall_open and navigation.url_path == "wall"):
    from ui.auth_gate import sign_in_form
    from ui.data import engine

    if sign_in_form(engine()) is None:
        st.stop()
navigation.run()
