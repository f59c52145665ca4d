"""A failing page shows a Chinese message with a reference; the traceback goes to the log."""

import logging

from streamlit.testing.v1 import AppTest


def _broken():
    import streamlit as st

    from chuangcheng.ui.failsafe import run_page

    class Page:
        url_path = "broken"

        def run(self):
            st.write("页面开始")
            raise ValueError("内部细节 /etc/secret")

    run_page(Page())


def _stopping():
    import streamlit as st

    from chuangcheng.ui.failsafe import run_page

    class Page:
        def run(self):
            st.write("停止前")
            st.stop()

    run_page(Page())
    st.write("不应出现")


def test_a_failing_page_says_so_in_chinese_and_logs_the_details(caplog):
    with caplog.at_level(logging.ERROR, logger="chuangcheng.pages"):
        at = AppTest.from_function(_broken).run()
    assert not at.exception and [m.value for m in at.markdown] == ["页面开始"]
    message = at.error[0].value
    assert message.startswith("本页出现内部错误（编号 ") and "/etc/secret" not in message
    reference = message.split("编号 ")[1].split("）")[0]
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and "/etc/secret" in str(logged[0].exc_info[1])


def test_streamlit_control_flow_passes_through():
    at = AppTest.from_function(_stopping).run()
    assert [m.value for m in at.markdown] == ["停止前"] and not at.error and not at.exception
