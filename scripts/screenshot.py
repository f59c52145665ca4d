"""Screenshot the running dashboard in headless Chromium, as a user at a screen would see it.

    .venv/bin/python scripts/screenshot.py [--url URL] [--size 1920x1080] [--out shot.png]

Without ``--url`` the app is started on a free loopback port and stopped afterwards. The script
waits until the map has drawn its features, then writes the PNG and prints what the page
requested from hosts other than loopback (it should be nothing).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    # For the wall-screen soak test: exact heap sizes and a callable gc().
    "--enable-precise-memory-info",
    "--js-flags=--expose-gc",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Counts GeoJSON features drawn by Leaflet inside the map's iframe (streamlit-folium's or ours).
COUNT_FEATURES_JS = """() => {
  if (!window.map || !window.map.eachLayer) return -1;
  let n = 0; window.map.eachLayer(l => { if (l.feature) n++; }); return n;
}"""


# True when Chinese characters are drawn as real glyphs: without a CJK font every character
# is the same "tofu" box, so two different characters (or a character and a non-character)
# would rasterise to identical pixels.
CJK_GLYPHS_JS = """() => {
  const el = document.querySelector('.leaflet-container') || document.body;
  const family = getComputedStyle(el).fontFamily;
  const c = document.createElement('canvas'); c.width = 48; c.height = 48;
  const g = c.getContext('2d');
  const draw = ch => { g.clearRect(0, 0, 48, 48); g.font = '36px ' + family;
                       g.fillText(ch, 4, 40); return g.getImageData(0, 0, 48, 48).data.join(','); };
  const a = draw('测'), b = draw('评'), tofu = draw('\\uFFFF');
  return a !== b && a !== tofu && b !== tofu;
}"""


# Every visible text node of a document: its rendered font size in CSS px (SVG text scaled by
# its transform), its box, whether something else covers it (then the reader cannot see it
# anyway) and whether it runs out of the viewport or out of a box that hides overflow (text on
# the map itself may run under the map's edge, as map labels do).
TEXT_BOXES_JS = """() => {
  const W = window.innerWidth, H = window.innerHeight, out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || el.closest('script,style,noscript')) continue;
    const range = document.createRange(); range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= 0 || r.bottom <= 0 || r.left >= W || r.top >= H) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') continue;
    let px = parseFloat(cs.fontSize);
    if (el.closest('svg')) { const m = el.getScreenCTM(); px *= Math.hypot(m.a, m.b); }
    let clipped = r.right > W + 0.5 || r.bottom > H + 0.5 || r.left < -0.5 || r.top < -0.5;
    if (!el.closest('.leaflet-map-pane')) {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (/(hidden|clip|auto|scroll)/.test(s.overflowX + s.overflowY)) {
          const b = a.getBoundingClientRect();
          if (r.right > b.right + 0.5 || r.bottom > b.bottom + 0.5 || r.left < b.left - 0.5 || r.top < b.top - 0.5) clipped = true;
        }
      }
    }
    const cx = Math.min(Math.max((r.left + r.right) / 2, 0), W - 1), cy = Math.min(Math.max((r.top + r.bottom) / 2, 0), H - 1);
    const hit = document.elementFromPoint(cx, cy);
    const covered = !(hit && (hit === el || el.contains(hit) || hit.contains(el)));
    out.push({covered, text: n.textContent.trim().slice(0, 24), px: Math.round(px * 10) / 10, clipped,
              box: [Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)]});
  }
  return out;
}"""


def is_loopback(url: str) -> bool:
    """True for URLs that stay on this machine (and for data:/blob:/about: URLs)."""
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return (urlparse(url).hostname or "") in LOOPBACK


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path  # the server's stdout and stderr


@contextlib.contextmanager
def running_server(
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
    timeout_s: float = 90.0,
    options: tuple[str, ...] = (),
):
    """Start ``streamlit run server.py`` on loopback; yield a ``Server``; stop it."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "server.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *options,
    ]
    with tempfile.TemporaryDirectory(prefix="cc-server-") as folder:
        log = Path(folder) / "server.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT
            )
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    with urllib.request.urlopen(url + "_stcore/health", timeout=2) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Streamlit 未能启动：\n{log.read_text(errors='replace')}")
                time.sleep(0.3)
            yield Server(url, proc, log)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def running_app(*, port: int | None = None, env: dict[str, str] | None = None, timeout_s: float = 90.0):
    """Start ``streamlit run server.py`` on loopback; yield its URL; stop it."""
    with running_server(port=port, env=env, timeout_s=timeout_s) as server:
        yield server.url


def map_frame(page):
    """The streamlit-folium iframe once its Leaflet map exists."""
    for frame in page.frames:
        with contextlib.suppress(Exception):
            if frame.evaluate(COUNT_FEATURES_JS) >= 0:
                return frame
    return None


def wait_for_features(page, *, minimum: int = 1, timeout_s: float = 90.0) -> tuple[object, int]:
    deadline = time.monotonic() + timeout_s
    count = -1
    while time.monotonic() < deadline:
        frame = map_frame(page)
        if frame is not None:
            count = frame.evaluate(COUNT_FEATURES_JS)
            if count >= minimum:
                return frame, count
        page.wait_for_timeout(500)
    raise TimeoutError(f"地图在 {timeout_s:.0f} 秒内没有画出要素（当前 {count} 个）。")


def settled(page, timeout_s: float = 60.0) -> None:
    """Wait until the app has finished the run an interaction started (the status widget shows
    while a script runs); a widget used mid-run may be replaced by the next run."""
    page.wait_for_timeout(300)  # the rerun message goes out asynchronously after a click
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=timeout_s * 1000)


def import_as(page, url: str, user: str, password: str, layer_title: str) -> None:
    """Open 数据导入, sign in from its sidebar form and choose the target layer."""
    page.goto(url + "import", wait_until="domcontentloaded")
    page.get_by_text("登录后可写入数据").click()
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("登录后可写入数据").wait_for(state="detached", timeout=60000)
    settled(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="导入到图层").click()
    page.get_by_role("option", name=layer_title).click()
    settled(page)


def capture(
    url: str, out: Path, *, width: int, height: int, scale: float = 1.0, settle_ms: int = 1500, after_load=None
) -> dict:
    """Load ``url``, wait for the map, save a PNG. Returns counts and off-loopback requests.

    ``after_load(page, frame)`` runs before the screenshot (e.g. to click a feature); its
    return value is reported as ``"after_load"``.
    """
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    transferred = {"bytes": 0}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale, locale="zh-CN"
        )
        page = context.new_page()

        def on_request(request):
            if not is_loopback(request.url):
                outside.append(request.url)

        def on_response(response):
            with contextlib.suppress(Exception):
                transferred["bytes"] += len(response.body())

        def on_websocket(ws):
            if not is_loopback(ws.url):
                outside.append(ws.url)
            # The map's script and data reach the page over Streamlit's websocket.
            ws.on(
                "framereceived", lambda payload: transferred.__setitem__("bytes", transferred["bytes"] + len(payload))
            )

        page.on("request", on_request)
        page.on("response", on_response)
        page.on("websocket", on_websocket)
        started = time.monotonic()
        page.goto(url, wait_until="domcontentloaded")
        frame, count = wait_for_features(page)
        drawn_s = time.monotonic() - started
        page.wait_for_timeout(settle_ms)
        fonts_ok = frame.evaluate(CJK_GLYPHS_JS)
        extra = after_load(page, frame) if after_load else None
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=False)
        browser.close()
    return {
        "features": count,
        "outside_requests": outside,
        "seconds_to_map": drawn_s,
        "transferred_bytes": transferred["bytes"],
        "cjk_font": fonts_ok,
        "after_load": extra,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="作战挂图截图（无头 Chromium）")
    parser.add_argument("--url")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/dashboard.png"))
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    if args.url:
        result = capture(args.url, args.out, width=width, height=height, scale=args.scale)
    else:
        with running_app() as url:
            result = capture(url, args.out, width=width, height=height, scale=args.scale)
    print(
        f"{args.out}: {result['features']} 个要素，{result['seconds_to_map']:.1f} 秒画出地图，"
        f"传输 {result['transferred_bytes'] / 1e6:.2f} MB，CJK 字体 {'可用' if result['cjk_font'] else '缺失'}"
    )
    for request in result["outside_requests"]:
        print(f"  非本机请求：{request}")
    return 1 if result["outside_requests"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
