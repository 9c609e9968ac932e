"""The browser tests' own waits end: the wait for expanders to stop moving awaits the opening
animation, and returns when an animation on the page can never finish (paused, or endless),
instead of hanging the run (a suite run once waited 20 minutes in it)."""

from __future__ import annotations

import pytest

from tests.browser_support import chromium, expanders_still

pytestmark = pytest.mark.browser

PAGE = """<div data-testid="stExpander"><div id="grow" style="height: 10px"></div>
<div id="stuck"></div><div id="spin"></div></div>"""


def test_the_expander_wait_awaits_a_running_animation_and_never_a_stuck_one():
    with chromium() as launched:
        page = launched.new_page()
        page.set_content(PAGE)
        # a finite animation, as an expander opening: awaited to its end
        page.evaluate("""() => { window.grown = false;
            const a = document.getElementById('grow').animate(
                [{height: '10px'}, {height: '200px'}], {duration: 400});
            a.finished.then(() => { window.grown = true; }); }""")
        assert expanders_still(page) == "still"
        assert page.evaluate("window.grown") is True
        # a paused one (its `finished` never comes) and an endless spinner: not awaited
        page.evaluate("""() => {
            document.getElementById('stuck').animate([{opacity: 0}, {opacity: 1}],
                                                     {duration: 60000}).pause();
            document.getElementById('spin').animate([{opacity: 0}, {opacity: 1}],
                                                    {duration: 500, iterations: Infinity}); }""")
        assert expanders_still(page) == "still"  # nothing left to await
        # one that runs past the bound: the wait ends at the bound, not with the animation
        page.evaluate("""() => document.getElementById('stuck').animate(
            [{opacity: 0}, {opacity: 1}], {duration: 600000})""")
        assert expanders_still(page) == "limit"
