"""A portal session driven over Streamlit's own websocket protocol, as the browser's frontend
drives it, for load benchmarks (bench/load.py): no browser, so 50 sessions cost the server what 50
users cost it and the client almost nothing.

The frontend opens `/_stcore/stream` (subprotocol "streamlit") after loading the page, and every
interaction is one `BackMsg.rerun_script` carrying a `ClientState`: the page (its script hash from
the `navigation` message), the query string, and the widget states — text values, and a
`trigger_value` for the button pressed (a form's submit button sends the form's fields with it).
The server answers with `ForwardMsg`s: `new_session` when a run starts, `delta`s drawing elements
(each widget's `id` ends with its key), `page_info_changed`, and `script_finished`. An interaction
is over when a run finishes other than "early for rerun" (a script's own `st.rerun()` starts
another run, which the user waits for as well).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

_EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


class ProtocolError(RuntimeError):
    """The page did not show what the interaction expected (an element, a message)."""


@dataclass
class Page:
    """What the last run drew: elements by delta path, the navigation, the query string."""

    elements: dict[tuple[int, ...], Any] = field(default_factory=dict)
    tab_bars: list[str] = field(default_factory=list)  # widget ids of stateful tab bars
    tab_labels: set[str] = field(default_factory=set)
    pages: dict[str, str] = field(default_factory=dict)  # url_pathname or name -> script hash
    page_hash: str = ""
    query: str = ""
    exception: str = ""

    def widgets(self) -> list[Any]:
        return [el for el in self.elements.values() if getattr(el, "id", "")]

    def widget(self, key: str) -> Any:
        """The widget whose user key is `key` (its id ends with -key)."""
        for el in self.widgets():
            if el.id.endswith("-" + key):
                return el
        raise ProtocolError(f"no widget with key {key!r} on the page")

    def submitter(self, form: str) -> Any:
        for el in self.widgets():
            if f"FormSubmitter:{form}-" in el.id:
                return el
        raise ProtocolError(f"no submit button for form {form!r} on the page")

    def tab_bar(self, key: str) -> str:
        """The widget id of the tab bar drawn with `st.tabs(..., key=key, on_change="rerun")`."""
        for bar_id in self.tab_bars:
            if bar_id.endswith("-" + key):
                return bar_id
        raise ProtocolError(f"no tab bar with key {key!r} on the page")

    def page_links(self) -> list[Any]:
        return [el for el in self.elements.values() if el.DESCRIPTOR.name == "PageLink"]

    def texts(self) -> str:
        """Every markdown, heading and alert body, for checking what the page says."""
        out = []
        for el in self.elements.values():
            body = getattr(el, "body", None)
            if isinstance(body, str):
                out.append(body)
        return "\n".join(out)


def route_cookie(base_url: str) -> str:
    """Load the page as a browser does first; the cookies it set (nginx's route) as a header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + "/", timeout=60) as r:
        r.read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class Session:
    """One browser tab's session. `await open()`, then `rerun(...)` per interaction."""

    def __init__(self, base_url: str, timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.page = Page()
        self.ws: ClientConnection | None = None
        self._values: dict[str, WidgetState] = {}

    async def open(self) -> float:
        """Load the page and connect; returns the seconds until the first run finished."""
        started = time.perf_counter()
        cookie = await asyncio.to_thread(route_cookie, self.base_url)
        headers = {"Cookie": cookie} if cookie else {}
        self.ws = await connect(self.base_url.replace("http", "ws", 1) + "/_stcore/stream",
                                subprotocols=["streamlit"], additional_headers=headers,
                                max_size=None, open_timeout=self.timeout)
        await self._send()
        await self._until_finished()
        return time.perf_counter() - started  # the page itself and its assets: not counted

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def set_text(self, key: str, value: str) -> None:
        """Type into a text input or text area before the next interaction (whose run may clear
        it, as saving a note does: values typed are sent with that one interaction)."""
        widget = self.page.widget(key)
        self._values[widget.id] = WidgetState(id=widget.id, string_value=value)

    async def open_tab(self, key: str, *labels: str) -> float:
        """Open the tab of the tab bar `key` whose label is one of `labels` (one per language),
        as a click on it does (a dispute's page draws only the open tab: the click runs the page
        again)."""
        widget_id = self.page.tab_bar(key)
        found = [name for name in labels if name in self.page.tab_labels]
        if not found:
            raise ProtocolError(f"no tab {labels!r} on the page: {sorted(self.page.tab_labels)}")
        label = found[0]
        self._values[widget_id] = WidgetState(id=widget_id, string_value=label)
        return await self._rerun()

    async def click(self, key: str) -> float:
        """Press the button with this key."""
        return await self._rerun(trigger=self.page.widget(key).id)

    async def submit(self, form: str) -> float:
        return await self._rerun(trigger=self.page.submitter(form).id)

    async def goto(self, page: str, query: str = "") -> float:
        """Open a page of the navigation by its url path (or name; "" for the landing page), as a
        sidebar link does."""
        if page not in self.page.pages:
            raise ProtocolError(f"no page {page!r} in the navigation: {sorted(self.page.pages)}")
        self._values.clear()  # a new page starts with its widgets' defaults
        return await self._rerun(page_hash=self.page.pages[page], query=query)

    async def follow(self, link: Any) -> float:
        """Follow an st.page_link."""
        self._values.clear()
        return await self._rerun(page_hash=link.page_script_hash, query=link.query_string)

    async def _rerun(self, *, trigger: str | None = None, page_hash: str | None = None,
                     query: str | None = None) -> float:
        started = time.perf_counter()
        await self._send(trigger=trigger, page_hash=page_hash, query=query)
        self._values.clear()
        await self._until_finished()
        return time.perf_counter() - started

    async def _send(self, *, trigger: str | None = None, page_hash: str | None = None,
                    query: str | None = None) -> None:
        if query is not None:
            self.page.query = query
        if page_hash is not None:
            self.page.page_hash = page_hash
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.page.query if query is None else query
        state.page_script_hash = self.page.page_hash if page_hash is None else page_hash
        states = list(self._values.values())
        if trigger is not None:
            states.append(WidgetState(id=trigger, trigger_value=True))
        state.widget_states.widgets.extend(states)
        await self.ws.send(msg.SerializeToString())

    async def _until_finished(self) -> None:
        self.page.exception = ""
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), self.timeout)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page.elements.clear()
                self.page.tab_bars.clear()
                self.page.tab_labels.clear()
            elif kind == "delta":
                self._delta(msg)
            elif kind == "navigation":
                self.page.pages.clear()
                for p in msg.navigation.app_pages:
                    self.page.pages[p.url_pathname or p.page_name] = p.page_script_hash
                    if p.is_default:
                        self.page.pages[""] = p.page_script_hash
                self.page.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.page.query = msg.page_info_changed.query_string
            elif kind == "script_finished" and msg.script_finished != _EARLY:
                if self.page.exception:
                    raise ProtocolError(f"the script failed: {self.page.exception}")
                return

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") == "add_block" and \
                delta.add_block.WhichOneof("type") == "tab_container" and \
                delta.add_block.tab_container.id:
            self.page.tab_bars.append(delta.add_block.tab_container.id)
        if delta.WhichOneof("type") == "add_block" and delta.add_block.WhichOneof("type") == "tab":
            self.page.tab_labels.add(delta.add_block.tab.label)
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        value = getattr(element, kind)
        if kind == "exception":
            self.page.exception = f"{value.type}: {value.message}"
        self.page.elements[tuple(msg.metadata.delta_path)] = value
