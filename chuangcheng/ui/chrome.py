"""What every page gets from the shell: Streamlit's own English strings in Chinese, and the
layout for a phone in the street (390 px wide).

Streamlit has no translations, so its fixed strings are replaced in CSS: the original text is
shrunk to nothing and the Chinese is drawn in its place. The upload limit shown is the app's
own (``ingest.formats.MAX_FILE_BYTES``, the same as ``server.maxUploadSize``).
"""

from __future__ import annotations

from chuangcheng.ingest.formats import MAX_FILE_BYTES

PHONE_MAX_PX = 640
THUMB_PX = 48  # smallest button height on a phone (WCAG 2.5.5 asks 44 CSS px)


def chrome_css() -> str:
    limit_mb = MAX_FILE_BYTES // 2**20
    return f"""
<style>
/* 文件上传：按钮与提示 */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "选择文件"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "可拖放到此处 · 单个文件不超过 {limit_mb} MB"; font-size: 0.8rem; }}
/* Streamlit 的“页面不存在”提示（st.dialog 的对话框里总有内容块，这个没有） */
[role="dialog"]:not(:has([data-testid="stVerticalBlock"])) h2 {{ font-size: 0; }}
[role="dialog"]:not(:has([data-testid="stVerticalBlock"])) h2::after {{ content: "页面不存在"; font-size: 1.5rem; }}
[role="dialog"]:not(:has([data-testid="stVerticalBlock"])) h2 + div div {{ font-size: 0; }}
[role="dialog"]:not(:has([data-testid="stVerticalBlock"])) h2 + div div::after {{
  content: "您打开的页面不存在或无权访问，已转到首页。"; font-size: 1rem; }}
/* Streamlit 自己的错误框（页面内的错误由 ui/failsafe 换成中文提示）：不链接外部搜索引擎 */
[data-testid="stException"] a[target="_blank"] {{ display: none; }}
/* 手机 */
@media (max-width: {PHONE_MAX_PX}px) {{
  .block-container {{ padding-left: 0.75rem !important; padding-right: 0.75rem !important; }}
  .cc-tiles {{ grid-template-columns: repeat(2, minmax(0, 1fr)) !important; gap: 8px !important; }}
  .cc-tile .cc-v {{ font-size: 26px !important; }}
  .cc-header h1 {{ font-size: 22px !important; }}
  table.cc-rank {{ display: block !important; overflow-x: auto; max-width: calc(100vw - 1.5rem); }}
  .stButton button, .stFormSubmitButton button, .stDownloadButton button, [data-testid="stPopover"] button,
  [data-testid="stFileUploaderDropzone"] button {{ min-height: {THUMB_PX}px; }}
  .stButton button, .stFormSubmitButton button, .stDownloadButton button {{ width: 100%; }}
  [role="tab"] {{ min-height: {THUMB_PX}px; }}
  [data-baseweb="select"] > div, [data-testid="stNumberInputContainer"], [data-testid="stTextInputRootElement"],
  [data-testid="stDateInputField"] {{ min-height: {THUMB_PX}px; }}
  [data-testid="stNumberInputContainer"] button {{ min-width: {THUMB_PX}px; }}
}}
</style>
"""


# Streamlit's fixed English strings that CSS cannot reach (tooltips, menus, aria labels, shown
# on hover or to screen readers), as they read in Streamlit 1.67.
STREAMLIT_ZH = {
    "Download as CSV": "下载 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列",
    "Sort ascending": "升序排列",
    "Sort descending": "降序排列",
    "Autosize": "自动列宽",
    "Pin column": "固定此列",
    "Unpin column": "取消固定",
    "Hide column": "隐藏此列",
    "Format": "格式",
    "Automatic": "自动",
    "Copy to clipboard": "复制",
    "No results": "无匹配项",
    "Choose options": "请选择",
    "Choose an option": "请选择",
    "Select all": "全选",
    "Clear all": "全部清除",
    "Running...": "运行中…",
    "Stop": "停止",
    "Close": "关闭",
    "Open": "展开",
    "Remove": "移除",
    "Choose date": "选择日期",
    "Previous month": "上个月",
    "Next month": "下个月",
    "Increment": "增加",
    "Decrement": "减少",
    "Show password text": "显示密码",
    "Hide password text": "隐藏密码",
    "Expand sidebar": "展开侧栏",
    "Collapse sidebar": "收起侧栏",
    "Main menu": "主菜单",
    "Link to heading": "本节链接",
    "Selected values": "已选项",
    "Choose date range": "选择日期范围",
}


def chrome_js() -> str:
    """One script for every page, installed once per browser tab (our own constants, no user
    data): Streamlit's English strings in Chinese as they appear (text, tooltips, aria labels,
    placeholders), and, on a phone, the sidebar folded away once a page is chosen from it (it
    would otherwise cover the page)."""
    import json

    return f"""
<script>
if (!window.ccChrome) {{
  window.ccChrome = true;
  var zh = {json.dumps(STREAMLIT_ZH, ensure_ascii=False)};
  var attrs = ["aria-label", "title", "placeholder"];
  function translate(node) {{
    if (node.nodeType === 3) {{
      var t = node.nodeValue.trim();
      if (zh[t]) node.nodeValue = node.nodeValue.replace(t, zh[t]);
      return;
    }}
    if (node.nodeType !== 1 || node.tagName === "SCRIPT" || node.tagName === "STYLE") return;
    attrs.forEach(function (a) {{
      var v = node.getAttribute(a);
      if (v && zh[v.trim()]) node.setAttribute(a, zh[v.trim()]);
    }});
    for (var c = node.firstChild; c; c = c.nextSibling) translate(c);
  }}
  new MutationObserver(function (changes) {{
    changes.forEach(function (m) {{
      if (m.type === "characterData") translate(m.target);
      else if (m.type === "attributes") translate(m.target);
      else m.addedNodes.forEach(translate);
    }});
  }}).observe(document.body, {{childList: true, subtree: true, characterData: true, attributes: true,
                               attributeFilter: attrs}});
  translate(document.body);
  document.addEventListener("click", function (event) {{
    if (window.innerWidth > {PHONE_MAX_PX} || !event.target.closest('[data-testid="stSidebarNav"] a')) return;
    setTimeout(function () {{
      var fold = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (fold) fold.click();
    }}, 50);
  }}, true);
}}
</script>
"""
