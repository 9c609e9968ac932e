"""The one way pages submit a form: run a service call, keep per-field errors for the next run
(so each message is drawn beside its field), show any other error plainly."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, TypeVar

import streamlit as st

from dispute.errors import InvalidInput, UserError
from dispute.models import User
from ui.render import show_error

T = TypeVar("T")


def has_errors(form_key: str) -> bool:
    """Whether the last submit of this form was refused (to open a collapsed form again)."""
    return bool(st.session_state.get(f"{form_key}__errors"))


def errors(form_key: str) -> dict[str, UserError]:
    """The field errors of the last failed submit of this form (and a banner saying so), and
    the refusal of a submit made in a button's callback (`on_click`), once."""
    if (refused := st.session_state.pop(f"{form_key}__refused", None)) is not None:
        show_error(refused)
    found = st.session_state.get(f"{form_key}__errors", {})
    if found:
        show_error(InvalidInput(found))
    return found


FLASH_KEY = "flash"
# The forms submitted on the dispute now open ({form key}), and which dispute that is: drawn open
# for the rest of the visit (see `keep_open`); forgotten when another dispute is opened.
USED_KEY, USED_ON_KEY = "_forms_used", "_forms_used_on"


def _run(form_key: str, call: Callable[[], T]) -> tuple[bool, T | None]:
    _used(form_key)
    try:
        result = call()
    except InvalidInput as exc:
        st.session_state[f"{form_key}__errors"] = exc.fields
        st.rerun()
    except UserError as exc:
        st.session_state.pop(f"{form_key}__errors", None)
        show_error(exc)
        return False, None
    st.session_state.pop(f"{form_key}__errors", None)
    return True, result


def attempt(form_key: str, call: Callable[[], T]) -> T | None:
    """`call()`'s result, or None after showing or keeping its error."""
    return _run(form_key, call)[1]


def submit(form_key: str, call: Callable[[], T], done: str | Callable[[T], str], *,
           clear: Iterable[str] = (),
           reset: Mapping[str, Any] | Callable[[T], Mapping[str, Any]] | None = None,
           near: bool = False) -> None:
    """Run `call()`; when it succeeds, keep `done` (or `done(result)`) as the message the page
    shows after the rerun, empty the widgets in `clear` in that rerun (the saved form comes
    back empty, so nobody saves it twice; see `clear_saved_forms`), set those in `reset` (or
    `reset(result)`) to the values given (a field whose fresh value is not the empty one: today,
    a first choice, the lines just saved), and rerun. With `near`, the message is for
    `confirmation(form_key)`, drawn beside the form, where the user is looking; otherwise for
    the top of the page. On failure the errors are shown (or kept beside their fields) and the
    form keeps what the user typed."""
    ok, result = _run(form_key, call)
    if not ok:
        return
    flash(done(result) if callable(done) else done, form_key if near else None)
    pending = st.session_state.setdefault(CLEAR_KEY, {})
    rounds = st.session_state.get(ROUNDS_KEY, {})
    for key in clear:
        if key in rounds:
            rounds[key] += 1
        elif key in st.session_state:
            pending[key] = _emptied(st.session_state[key])
    pending.update((reset(result) if callable(reset) else reset) or {})
    st.rerun()


# The fields of a form saved during the run (`submit`), with their empty values, for the next
# run to set before they are drawn (portal.py calls `clear_saved_forms` first thing): a widget's
# value cannot be set once it is drawn in the run, and only deleting its key left in the browser
# what was typed, which the browser sent back (so the same thing could be saved twice).
CLEAR_KEY = "_forms_clear"


def clear_saved_forms() -> None:
    """First thing in every run: empty the fields of the form saved in the run before."""
    for key, value in st.session_state.pop(CLEAR_KEY, {}).items():
        st.session_state[key] = value


ROUNDS_KEY = "_forms_rounds"


def fresh_key(key: str) -> str:
    """The key to draw a widget whose value cannot be set (a file uploader) with: `key` until
    a form clearing it is saved, then a new one each time, so the widget comes back empty
    (the browser forgets the files of a widget no longer drawn)."""
    n = st.session_state.setdefault(ROUNDS_KEY, {}).setdefault(key, 0)
    return key if n == 0 else f"{key}~{n}"


def by_language(key: str) -> str:
    """The key to draw a choice box with in the session's language: `key@<language>`. The
    browser keeps a box's choice by its words, so after a language switch a box kept by one
    key went on showing the old language's words for its choice. The choice itself is carried
    over: drawn for the first time in a language, the box takes what it held under another
    language's key (still in the session during the run that switches)."""
    from dispute.i18n import LANGUAGES
    from ui import session

    lang = session.lang()
    mine, state = f"{key}@{lang}", st.session_state
    if mine not in state:
        for other in LANGUAGES:
            if other != lang and f"{key}@{other}" in state:
                state[mine] = state[f"{key}@{other}"]
                break
    return mine


def on_click(form_key: str, call: Callable[[User], T], done: str | Callable[[], str] | None, *,
             clear: Iterable[str] = (), reset: Callable[[], Mapping[str, Any]] | None = None,
             near: bool = False) -> dict:
    """The keyword arguments of a button that submits in its callback, before the page's run:
    `st.button(..., **forms.on_click(...))`. The click then costs one run of the page instead
    of two (`submit` saves during the click's run, then reruns to show the result).

    `call(user)` reads the form's values from `st.session_state` by their keys (a callback
    runs before the widgets). The user is checked again first, as every run checks it, so a
    session that ended or an account disabled since the page was drawn saves nothing; the
    run that follows shows why. Errors are kept for `errors(form_key)`, drawn by the form.
    `done` is the message on success, or a function that words it from the values sent (None:
    the result shows itself). `clear` and `reset` as for `submit` (a callback may set a
    widget's value: it runs before the widget is drawn). `values()` reads the form's fields.
    In a dispute's tab, the run after the click is the tab's, which reads the dispute again
    (so a second click after a refusal as stale is judged on the current version) and runs the
    whole page instead when the session ended or the dispute changed around the tab
    (ui/case_page.tab_panel)."""
    return {"on_click": _submit_now,
            "args": (form_key, call, done, tuple(clear), near, reset)}


def values(prefix: str, *fields: str) -> dict[str, Any]:
    """A form's values as its button's callback reads them, `{field: value}` from the widgets
    keyed `{prefix}_{field}` (a callback runs before the widgets are drawn again, so their
    values are read from the session, not returned by the widgets)."""
    return {f: st.session_state.get(f"{prefix}_{f}") for f in fields}


def _submit_now(form_key: str, call: Callable[[User], T], done: str | Callable[[], str] | None,
                clear: tuple[str, ...], near: bool,
                reset: Callable[[], Mapping[str, Any]] | None = None) -> None:
    from ui.session import current_user

    user = current_user(forget=False)
    if user is None:  # the run of the page that follows forgets the session, shows the login
        return
    _used(form_key)
    ok, _result = _run_now(form_key, lambda: call(user))
    if not ok:  # kept for the form to draw; the typed values stay
        return
    if done is not None:
        flash(done() if callable(done) else done, form_key if near else None)
    rounds = st.session_state.get(ROUNDS_KEY, {})
    for key in clear:
        if key in rounds:  # a file uploader: drawn again under a new key (`fresh_key`)
            rounds[key] += 1
        elif key in st.session_state:
            st.session_state[key] = _emptied(st.session_state[key])
    for key, value in (reset() if reset else {}).items():
        st.session_state[key] = value


def _emptied(value):
    """A saved form's field, emptied. Set, not deleted: a widget whose key is only deleted from
    the session keeps in the browser what was typed (its `persist_state` too), so the saved
    values came back and the form could be saved twice. Text becomes "", a box unticked, a
    number 0, a date or time None. Not for a selectbox (its "" is no choice): leave those out
    of `clear`."""
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        return ""
    if isinstance(value, (int, float)):
        return 0
    if isinstance(value, (list, tuple)):
        return []
    return None


def now(form_key: str, call: Callable[[], T]) -> T | None:
    """`call()`'s result, run in a widget's callback (before the page's run), or None when it
    was refused: its errors are kept for `errors(form_key)`, which the form draws in the run
    that follows. For the sign-in forms, whose success leaves the login page: the run after the
    click draws the user's landing page at once, not the login page and then a rerun."""
    return _run_now(form_key, call)[1]


def _run_now(form_key: str, call: Callable[[], T]) -> tuple[bool, T | None]:
    try:
        result = call()
    except InvalidInput as exc:
        st.session_state[f"{form_key}__errors"] = exc.fields
        return False, None
    except UserError as exc:
        st.session_state.pop(f"{form_key}__errors", None)
        st.session_state[f"{form_key}__refused"] = exc
        return False, None
    st.session_state.pop(f"{form_key}__errors", None)
    return True, result


def flash(message: str, form_key: str | None = None) -> None:
    """A message for the next run of the page: at its top (drawn by ui/case_page.py), or beside
    the form `form_key` (drawn by `confirmation`)."""
    st.session_state[FLASH_KEY if form_key is None else f"{FLASH_KEY}__{form_key}"] = message


def _used(form_key: str) -> None:
    st.session_state.setdefault(USED_KEY, set()).add(form_key)


def keep_open(form_key: str) -> bool:
    """Whether the expander holding this form should be drawn open: it was submitted on this
    visit to the dispute (or its last submit left a confirmation or errors to read).

    An expander without a key, opened by hand, closes again when the page's layout above it
    changes, as after saving one more hearing into the list above it: the confirmation inside it
    would then go unseen. And it must stay open after that, not only for the run that shows the
    confirmation: someone recording a second hearing would otherwise see the form fold shut under
    their hands at the first field that reruns the page (bench/interactions.py found it, saving
    hearings one after another). The dispute pages' form expanders now have keys too (which
    keep one opened by hand open when a confirmation above it goes away); this still opens the
    form used on this visit when its tab is drawn again."""
    return form_key in st.session_state.get(USED_KEY, ()) \
        or f"{FLASH_KEY}__{form_key}" in st.session_state or has_errors(form_key) \
        or f"{form_key}__refused" in st.session_state


def form_box(title: str, form_key: str, open_at_first: bool = False):
    """The expander holding a form, or None while it is folded: its fields are drawn only while
    it is open (`on_change="rerun"`: opening one runs what holds it, a dispute's tab or, for a
    stage move, the page). Folded forms' fields cost every run their elements though nobody
    sees them (legal's court tab has five forms, about thirty widgets). The fields should keep
    their values for the page (`persist_state="page"`), or folding a box would lose what was
    typed. Kept by `{form_key}_box`; open whenever `keep_open` says (tests open one by setting
    that key to True, as a click does); `open_at_first` opens it before anyone has (a form that
    is the only way forward, such as the first account lines of a claim). A language switch
    folds an open box (Streamlit knows an expander by its title): kept open, a choice box in
    it would take back the old language's words as its choice, which is no choice in the new.
    Opened again, it holds what was typed and chosen."""
    box = st.expander(title, expanded=open_at_first or keep_open(form_key),
                      key=f"{form_key}_box", on_change="rerun")
    return box if box.open else None


def visiting(number: str) -> None:
    """A dispute's page is drawn for `number`: the forms used on another dispute are no longer
    kept open."""
    if st.session_state.get(USED_ON_KEY) != number:
        st.session_state[USED_ON_KEY] = number
        st.session_state.pop(USED_KEY, None)


def confirmation(form_key: str) -> None:
    """The message of this form's last successful submit, once, where this is called (just
    after the form)."""
    if message := st.session_state.pop(f"{FLASH_KEY}__{form_key}", None):
        st.success(message, icon=":material/check_circle:")
