"""Warm a visitor's browser, while they type on the login page, for the pages that follow it.

Streamlit's frontend loads the code of most element types (a metric, a date input, a checkbox,
a page link, …) from separate JavaScript files the first time a page draws one. A browser that
has never signed in meets them all at once on the click that signs in: the queue alone needs
about 330 kB of them (fetched, parsed and run before the page can finish drawing), which was
most of the two-step code's click in `bench/interactions.py`. The login page therefore imports
those files when the browser is idle (the seconds a person spends typing an email and a
password), so the click after it finds them ready. The same import the frontend does later
finds the module already loaded: a module is loaded once per address per page.

The files are named by Streamlit's own build manifest (static/manifest.json, which maps each
element's source file to its hashed file name), so they follow an upgrade of Streamlit; with no
manifest (a build without one) nothing is preloaded and nothing else changes.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

# The element types the signed-in pages draw, by their source file's name in Streamlit's build.
# Charts (the dashboard's Vega) and the data grid are left out: large, and on one page each.
ELEMENTS = ("Metric", "PageLink", "Button", "Selectbox", "Multiselect", "DateInput", "TimeInput",
            "Checkbox", "Radio", "TextInput", "TextArea", "NumberInput", "FileUploader",
            "DownloadButton", "Html", "Spinner", "Progress")
# Shared files that those elements import only when drawn (a metric's number formatting).
CHUNKS = ("numbro",)


@cache
def files(static_dir: str | None = None) -> tuple[str, ...]:
    """The element files to import, relative to the portal's root (static/js/…); () when the
    manifest is missing or unreadable."""
    if static_dir is None:
        from streamlit.file_util import get_static_dir

        static_dir = get_static_dir()
    try:
        manifest = json.loads((Path(static_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    wanted = {f"{name}.tsx" for name in ELEMENTS}
    found = sorted(entry["file"] for source, entry in manifest.items()
                   if isinstance(entry, dict) and "file" in entry
                   and ((entry.get("isDynamicEntry") and source.rsplit("/", 1)[-1] in wanted)
                        or (source.startswith("_") and source[1:].split(".")[0] in CHUNKS)))
    return tuple(f for f in found if (Path(static_dir) / f).is_file())


def script(names: tuple[str, ...] | None = None) -> str:
    """The login page's part: once the browser is idle, import each file, relative to the
    portal's root like the frontend's own files (every page lives at the root); a file that
    fails to load is ignored (the frontend loads it again when it needs it). "" when there is
    nothing to import."""
    names = files() if names is None else names
    if not names:
        return ""
    return ("<script>(window.requestIdleCallback || setTimeout)(function () {"
            f"{json.dumps(list(names))}.forEach(function (f) {{"
            "import(new URL(f, document.baseURI).href).catch(function () {});"
            "});});</script>")
