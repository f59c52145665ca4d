"""创城作战图 — the Streamlit shell: page setup, the sign-in gate and the pages offered by role.

Run with ``streamlit run server.py`` (``scripts/run.sh`` sets everything up first).
"""

import streamlit as st

from chuangcheng.ui.access import PAGES, pages_for
from chuangcheng.ui.auth_gate import (
    AUTO_RERUN,
    current_session,
    hand_over_cookie,
    note_session,
    sign_in_form,
    sign_out_button,
)
from chuangcheng.ui.chrome import chrome_css, chrome_js
from chuangcheng.ui.data import engine
from chuangcheng.ui.failsafe import run_page
from chuangcheng.ui.settings import sign_in_needed, sign_in_required
from chuangcheng.ui.widgets import md_text

# An emoji favicon is drawn locally; a ":material/...:" page_icon would be fetched from a public
# font host, which an intranet cannot reach (the browser test catches it).
st.set_page_config(
    page_title="创城作战图", page_icon="🗺️", layout="wide", initial_sidebar_state="auto"
)  # "auto": collapsed on a phone, open on a desk
# In the sidebar: a style element there takes no room on the page itself.
st.sidebar.markdown(chrome_css(), unsafe_allow_html=True)
with st.sidebar:
    st.html(chrome_js(), unsafe_allow_javascript=True)

# A page's own automatic refresh is not the user's activity: it must not hold off the idle sign-out.
session = current_session(engine(), touch=not st.session_state.pop(AUTO_RERUN, False))
note_session(session)
role = session.actor.role if session is not None and not session.must_change else None
specs = pages_for(role)
_, wall_open = sign_in_required()
gated = role is None and sign_in_needed()
if gated:
    # Signed out on a server others can reach: no menu and no page runs (the sign-in form
    # below stops first, except on the wall if allowed), but every page's address is known,
    # so a bookmarked or shared link opens that page right after signing in.
    specs = list(PAGES)
pages = [
    st.Page(s.file, title=s.title, icon=s.icon, url_path=s.url_path or None, default=(i == 0))
    for i, s in enumerate(specs)
]
if not pages:
    pages = [st.Page(lambda: None, title="登录", icon=":material/login:", default=True)]
navigation = st.navigation(pages, position="hidden" if gated else "sidebar")
hand_over_cookie()  # after a sign-in or sign-out: the browser's remembered sign-in follows
if role is not None and not specs:  # a role no page serves: say so rather than show nothing
    st.error(f"账号角色“{md_text(role)}”没有可用的页面，请联系安全管理员分配角色。")
    sign_out_button(session.actor)
    st.stop()
if gated and not (wall_open and navigation.url_path == "wall"):
    st.markdown("## 创城作战图")
    if sign_in_form(engine()) is None:
        st.stop()
    st.rerun()
run_page(navigation)
