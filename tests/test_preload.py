"""The login page warms the browser for the signed-in pages (ui/preload.py): which of
Streamlit's element files it imports, and that it imports them."""

from __future__ import annotations

import json

from ui import preload


def test_the_element_files_are_read_from_streamlits_own_manifest():
    from streamlit.file_util import get_static_dir

    found = preload.files()
    names = {f.rsplit("/", 1)[-1].split(".")[0] for f in found}
    # the queue's, a dispute's forms' and the lists' elements, every one a file that exists
    assert {"Metric", "PageLink", "DateInput", "Checkbox", "Selectbox", "TextArea", "numbro"} <= names
    assert all(f.startswith("static/js/") for f in found)
    manifest = json.loads((preload.Path(get_static_dir()) / "manifest.json").read_text())
    assert set(found) <= {e["file"] for e in manifest.values() if isinstance(e, dict)
                          and "file" in e}
    # charts and the data grid are not preloaded (large, one page each)
    assert not names & {"ArrowVegaLiteChart", "ReadOnlyGrid"}


def test_without_a_manifest_nothing_is_preloaded(tmp_path):
    assert preload.files(str(tmp_path)) == ()
    (tmp_path / "manifest.json").write_text("not json")
    assert preload.files(str(tmp_path)) == ()
    assert preload.script(()) == ""


def test_a_listed_file_that_is_missing_is_left_out(tmp_path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "Metric.abc.js").write_text("export {}")
    (tmp_path / "manifest.json").write_text(json.dumps({
        "src/Metric/Metric.tsx": {"file": "static/js/Metric.abc.js", "isDynamicEntry": True},
        "src/PageLink/PageLink.tsx": {"file": "static/js/PageLink.gone.js",
                                      "isDynamicEntry": True},
        "src/Balloons/Balloons.tsx": {"file": "static/js/Balloons.x.js", "isDynamicEntry": True},
        "_numbro.n1.js": {"file": "static/js/numbro.n1.js"},
    }))
    (tmp_path / "static" / "js" / "numbro.n1.js").write_text("export {}")
    assert preload.files(str(tmp_path)) == ("static/js/Metric.abc.js", "static/js/numbro.n1.js")


def test_the_script_imports_each_file_relative_to_the_portals_root_when_idle():
    text = preload.script(("static/js/Metric.abc.js", "static/js/PageLink.def.js"))
    assert text.startswith("<script>") and text.endswith("</script>")
    assert "requestIdleCallback" in text
    assert '["static/js/Metric.abc.js", "static/js/PageLink.def.js"]' in text
    assert "import(new URL(f, document.baseURI).href)" in text
