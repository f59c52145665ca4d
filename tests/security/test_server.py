"""The attacks that need a running server, replayed against ``streamlit run server.py``: the
metrics endpoint, a client clearing everyone's caches, forged single-sign-on headers, uploads
from a session that may not upload, cross-site websockets and uploads, memory held after a
session ends; and the headers that keep a browser from loading anything from elsewhere."""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request

import pytest

from scripts.screenshot import running_server, settled
from tests.conftest import copy_store

pytestmark = pytest.mark.browser
SECRET_HEADER, SECRET = "X-Proxy-Secret", "proxy-shared-secret-2026"
BUDGET_MB = 100  # what the open server holds in uploads for all sessions together


def _status(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture(scope="module")
def guarded(demo_store_file, tmp_path_factory):
    """A server that needs sign-in, with SSO configured behind a proxy that proves itself."""
    env = {
        "CHUANGCHENG_STORE_URL": copy_store(demo_store_file, tmp_path_factory.mktemp("guarded")),
        "CHUANGCHENG_DEMO_MODE": "0",
        "CHUANGCHENG_REQUIRE_SIGN_IN": "1",
        "CHUANGCHENG_SSO_HEADER": "X-Remote-User",
        "CHUANGCHENG_SSO_SECRET_HEADER": SECRET_HEADER,
        "CHUANGCHENG_SSO_SECRET": SECRET,
    }
    with running_server(env=env, options=("--server.disconnectedSessionTTL", "2")) as server:
        yield server


@pytest.fixture(scope="module")
def open_demo(demo_store_file, tmp_path_factory):
    """The explicit open demonstration mode (anyone may browse and upload)."""
    env = {
        "CHUANGCHENG_STORE_URL": copy_store(demo_store_file, tmp_path_factory.mktemp("open")),
        "CHUANGCHENG_DEMO_MODE": "1",
        "CHUANGCHENG_UPLOAD_BUDGET_MB": str(BUDGET_MB),
    }
    with running_server(env=env, options=("--server.disconnectedSessionTTL", "2")) as server:
        yield server


def test_metrics_are_not_public_and_every_response_has_the_security_headers(guarded):
    assert _status(guarded.url + "_stcore/metrics")[0] == 404
    assert _status(guarded.url + "_stcore/metrics/")[0] == 404
    status, headers, _ = _status(guarded.url)
    headers = {k.lower(): v for k, v in headers.items()}
    assert status == 200 and headers["x-content-type-options"] == "nosniff"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert "img-src 'self' data: blob: https://*.tianditu.gov.cn https://*.is.autonavi.com" in csp


async def _session(url: str, origin: str | None):
    """Open the app's websocket as a browser would; returns (socket, session id)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    headers = {"Origin": origin} if origin else {}
    socket = await websockets.connect(
        url.replace("http", "ws") + "_stcore/stream",
        subprotocols=["streamlit"],
        additional_headers=headers,
        max_size=None,
    )
    rerun = BackMsg()
    rerun.rerun_script.query_string = ""
    rerun.rerun_script.page_script_hash = ""
    await socket.send(rerun.SerializeToString())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(socket.recv(), 30))
        if msg.WhichOneof("type") == "new_session":
            return socket, msg.new_session.initialize.session_id
    raise AssertionError("no new_session message")


def test_a_client_cannot_clear_everyones_caches(guarded):
    from streamlit.proto.BackMsg_pb2 import BackMsg

    async def attack():
        socket, _ = await _session(guarded.url, guarded.url.rstrip("/"))
        clear = BackMsg()
        clear.clear_cache = True
        await socket.send(clear.SerializeToString())
        await asyncio.sleep(0.5)
        await socket.close()

    asyncio.run(attack())
    deadline = time.monotonic() + 10
    while "已忽略客户端的清空缓存请求" not in guarded.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, guarded.log.read_text(errors="replace")[-2000:]
        time.sleep(0.2)


def test_a_cross_site_websocket_is_refused(guarded):
    import websockets

    async def attempt():
        try:
            socket = await websockets.connect(
                guarded.url.replace("http", "ws") + "_stcore/stream",
                additional_headers={"Origin": "http://evil.example"},
            )
        except websockets.InvalidStatus as refused:  # refused at the handshake
            return refused.response.status_code
        try:
            await asyncio.wait_for(socket.recv(), 10)
        except websockets.ConnectionClosed as closed:  # or closed right after it
            return closed.rcvd.code if closed.rcvd else None
        return "open"

    assert asyncio.run(attempt()) in (403, 1008)


def test_a_signed_out_session_cannot_upload(guarded):
    async def upload_from_a_fresh_session():
        socket, session_id = await _session(guarded.url, guarded.url.rstrip("/"))
        status = _status(
            f"{guarded.url}_stcore/upload_file/{session_id}/f1",
            method="PUT",
            data=b"x" * 1000,
            headers={"Content-Type": "application/octet-stream"},
        )
        await socket.close()
        return status

    status, _, body = asyncio.run(upload_from_a_fresh_session())
    assert status == 403 and "登录" in body.decode("utf-8")


def test_an_upload_without_the_sites_xsrf_token_is_refused_even_when_open(open_demo):
    async def upload():
        socket, session_id = await _session(open_demo.url, open_demo.url.rstrip("/"))
        boundary = "b0undary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\nx\r\n--{boundary}--\r\n"
        ).encode()
        status = _status(
            f"{open_demo.url}_stcore/upload_file/{session_id}/f1",
            method="PUT",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": "http://evil.example"},
        )
        await socket.close()
        return status

    assert asyncio.run(upload())[0] == 403


def _page(browser, url: str, headers: dict | None = None):
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="zh-CN", extra_http_headers=headers or {}
    )
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    return context, page


def test_a_forged_sso_header_from_a_direct_client_is_ignored(guarded, browser):
    context, page = _page(browser, guarded.url, {"X-Remote-User": "admin"})
    page.get_by_text("不是来自配置的认证代理").wait_for(timeout=60000)
    page.get_by_label("用户名").wait_for(timeout=30000)  # still asked to sign in
    assert page.get_by_text("账号与权限").count() == 0
    context.close()
    context, page = _page(browser, guarded.url, {"X-Remote-User": "admin", SECRET_HEADER: "guessed"})
    page.get_by_text("不是来自配置的认证代理").wait_for(timeout=60000)
    context.close()


def test_the_sso_header_from_the_proxy_signs_in(guarded, browser):
    context, page = _page(browser, guarded.url, {"X-Remote-User": "admin", SECRET_HEADER: SECRET})
    page.get_by_text("账号与权限").first.wait_for(timeout=60000)  # the 系统管理员's navigation
    assert page.get_by_label("密码").count() == 0
    context.close()


UPLOADED_JS = """() => {
  const box = document.querySelector('[data-testid="stFileUploader"]');
  if (!box || !box.querySelector('[data-testid="stFileChipName"]')) return null;
  const alert = box.querySelector('[role="alert"]');
  if (alert) return alert.textContent;                       // refused
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  return main.innerText.includes('请选择文件。') ? null : 'accepted';  // the page ran with the file
}"""


def _upload(page, path) -> str:
    """Put a file into the import page's uploader; returns "accepted" or the uploader's error."""
    page.locator('input[type="file"]').wait_for(state="attached", timeout=60000)
    page.locator('input[type="file"]').set_input_files(str(path))
    return page.wait_for_function(UPLOADED_JS, timeout=120000).json_value()


def test_an_upload_is_not_held_after_its_session_ends(open_demo, browser, tmp_path):
    """Two 80 MB uploads do not fit the server's 100 MB budget together; once the first client
    goes away its upload is released and the second one fits."""
    big = 80 * 2**20
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    for path in (first, second):
        path.write_bytes(b"a,b\n" + b"1,2\n" * (big // 4))
    context_a, page_a = _page(browser, open_demo.url + "import")
    assert _upload(page_a, first) == "accepted"
    context_b, page_b = _page(browser, open_demo.url + "import")
    said = _upload(page_b, second)
    assert "503" in said, f"the budget did not hold: {said}"
    context_a.close()  # the first client leaves; its session ends after disconnectedSessionTTL
    deadline = time.monotonic() + 60
    while True:
        page_b.reload(wait_until="domcontentloaded")
        said = _upload(page_b, second)
        if said == "accepted":
            break
        assert time.monotonic() < deadline, f"the first upload was still held: {said}"
        time.sleep(2)
    context_b.close()


def test_no_password_reaches_the_server_log(guarded, browser):
    from chuangcheng.demo.ledger import DEMO_PASSWORD

    context, page = _page(browser, guarded.url)
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill("Wrong-secret-4711")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("用户名或密码不正确").wait_for(timeout=30000)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("密码").wait_for(state="detached", timeout=60000)  # signed in
    context.close()
    log = guarded.log.read_text(errors="replace")
    assert "Wrong-secret-4711" not in log and DEMO_PASSWORD not in log


@pytest.mark.parametrize("user, role", [("admin", "系统管理员"), ("auditor", "审计管理员")])
def test_signing_in_through_the_form_opens_that_roles_pages(guarded, browser, user, role):
    """The sign-in page is replaced by the role's own navigation (a role without pages once
    showed an empty page)."""
    from chuangcheng.demo.ledger import DEMO_PASSWORD
    from chuangcheng.ui.access import pages_for

    context, page = _page(browser, guarded.url)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    nav = page.locator('[data-testid="stSidebarNav"] a')
    nav.first.wait_for(timeout=60000)
    expected = [spec.title for spec in pages_for(role)]
    page.wait_for_function(
        "(n) => document.querySelectorAll('[data-testid=\"stSidebarNav\"] a').length === n",
        arg=len(expected),
        timeout=30000,
    )
    assert [text.strip().split("\n")[-1] for text in nav.all_inner_texts()] == expected  # after the icon
    context.close()


def _nav_titles(page) -> list[str]:
    return [t.strip().split("\n")[-1] for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def test_a_reload_or_a_second_tab_stays_signed_in_until_sign_out(guarded, browser):
    """The browser remembers the sign-in in an HttpOnly, SameSite=Strict cookie; signing out
    ends it for every tab of that browser."""
    from chuangcheng.demo.ledger import DEMO_PASSWORD

    context, page = _page(browser, guarded.url)
    page.get_by_label("用户名", exact=True).fill("leader")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator('[data-testid="stSidebarNav"] a').first.wait_for(timeout=60000)
    deadline = time.monotonic() + 30
    while not [c for c in context.cookies() if c["name"] == "cc_session"]:
        assert time.monotonic() < deadline, "the browser was never given the sign-in cookie"
        time.sleep(0.2)
    cookie = next(c for c in context.cookies() if c["name"] == "cc_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("cc_session") < 0  # out of reach of scripts
    for view in (page, context.new_page()):  # a reload, a second tab
        view.goto(guarded.url + "me", wait_until="domcontentloaded")
        view.get_by_role("button", name="退出登录").wait_for(timeout=60000)
        assert "我的账号" in _nav_titles(view) and view.get_by_label("密码", exact=True).count() == 0
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名", exact=True).wait_for(timeout=60000)
    page.reload(wait_until="domcontentloaded")
    page.get_by_label("用户名", exact=True).wait_for(timeout=60000)  # asked again
    context.close()


def test_the_sign_in_cookie_cannot_be_planted_from_another_site(guarded):
    status = _status(
        guarded.url + "_cc/session",
        method="POST",
        data=b"attacker-token",
        headers={"Origin": "http://evil.example", "Content-Type": "text/plain"},
    )
    assert status[0] == 403 and "set-cookie" not in {k.lower() for k in status[1]}
    host = guarded.url.split("://", 1)[1].rstrip("/")
    status = _status(
        guarded.url + "_cc/session",
        method="POST",
        data=b"bad token!",
        headers={"Origin": f"http://{host}", "Content-Type": "text/plain"},
    )
    assert status[0] == 400


def test_a_shared_link_opens_its_page_after_signing_in_and_nothing_before(guarded, browser):
    """A 网格员 opens a link to 问题台账 on a phone: the sign-in form, no menu, no "page not found",
    none of the page; after signing in, that page."""
    from chuangcheng.demo.ledger import DEMO_PASSWORD

    context, page = _page(browser, guarded.url + "ledger")
    page.get_by_label("用户名", exact=True).wait_for(timeout=60000)
    settled(page)  # the run is over: a not-found notice would be showing now
    assert page.get_by_role("dialog").count() == 0
    assert page.locator('[data-testid="stSidebarNav"] a').count() == 0
    assert page.get_by_text("交办 → 整改").count() == 0
    page.get_by_label("用户名", exact=True).fill("inspector")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("问题台账：交办 → 整改 → 核查 → 销号").wait_for(timeout=60000)
    assert page.url.rstrip("/").endswith("/ledger")
    context.close()
