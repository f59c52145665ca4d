"""A page that fails says so in Chinese and keeps the details in the server log.

Streamlit's own exception box is English, shows (or redacts) the traceback and links to public
search engines; on a government network the user needs a plain message and a reference the
administrator can find in the log.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

LOG = logging.getLogger("chuangcheng.pages")


def run_page(page) -> None:
    """Run a ``st.navigation`` page; an error in it becomes a Chinese message with a reference
    number, and the traceback goes to the server log under that number. Streamlit's own control
    flow (``st.stop``, ``st.rerun``, ``st.switch_page``) raises BaseException and passes through."""
    try:
        page.run()
    except Exception:  # any failure of a page: the rest of the server serves on
        reference = secrets.token_hex(4)
        LOG.exception("页面出错（编号 %s，页面 %s）", reference, getattr(page, "url_path", "?"))
        st.error(
            f"本页出现内部错误（编号 {reference}），已记录到服务器日志。"
            "请刷新页面重试；如仍出错，请把编号告诉系统管理员。"
        )
