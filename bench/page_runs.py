"""What one page run costs: CPU of the script thread per run, and where it goes.

A Streamlit process runs every session's script under one interpreter, so the CPU a page run
takes bounds how many clicks a second one process serves (bench/load.py measures that over the
wire). This runs the portal's script in-process with Streamlit's AppTest on demo data and times
the script thread alone (`time.thread_time`) for: a staff page-turn in the queue, and adding an
internal note on a dispute's workspace (the note's run and the plain rerun after it), and
pausing or resuming a deadline there (a save in the button's callback: one run per click). With
`--profile` it prints cProfile's top functions for each, which is how the slow parts were found
(see README, Performance).

Two things AppTest does differently from the server are put right here: the server compiles each
page once and keeps the bytecode (AppTest compiles it on every run, so it is cached here too), and
the workspace is opened with AppTest's switch_page, which runs the page without portal.py, so the
page-run scope portal.py opens (dispute/case_reads.py) is opened here around each run.

    .venv/bin/python bench/page_runs.py [--runs 20] [--cases 120] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/queue.py
sys.path.insert(0, str(HERE.parent))
REPO = HERE.parent


class ScriptClock:
    """Wraps Streamlit's script runner: CPU of each run's thread, optionally profiled."""

    def __init__(self) -> None:
        from streamlit.runtime.scriptrunner import script_cache, script_runner

        from dispute.case_reads import one_page_run

        self.cpu: list[float] = []
        self.runs, self.inside = 0, False
        self.profile: cProfile.Profile | None = None
        self.on = False
        run, clock = script_runner.ScriptRunner._run_script, self

        def timed(runner, *args, **kwargs):
            if not clock.on:
                return run(runner, *args, **kwargs)
            began = time.thread_time()
            if clock.profile is not None:
                clock.profile.enable()
            clock.inside = True
            try:
                with one_page_run():
                    return run(runner, *args, **kwargs)
            finally:
                clock.inside = False
                if clock.profile is not None:
                    clock.profile.disable()
                clock.cpu.append(time.thread_time() - began)

        script_runner.ScriptRunner._run_script = timed
        # A click's `st.rerun()` runs the script again inside the same `_run_script` call (a
        # loop there), which installs its event loop once per run: counted, so a click that
        # costs two runs shows as two.
        install = script_runner.ScriptRunner._install_event_loop

        def counted(runner, *args, **kwargs):
            if clock.on and clock.inside:  # not the script thread's own, before its first run
                clock.runs += 1
            return install(runner, *args, **kwargs)

        script_runner.ScriptRunner._install_event_loop = counted
        compiled: dict = {}
        get = script_cache.ScriptCache.get_bytecode

        def once(cache, path):
            if path not in compiled:
                compiled[path] = get(cache, path)
            return compiled[path]

        script_cache.ScriptCache.get_bytecode = once

    def measure(self, label: str, action, runs: int, profile: bool) -> None:
        action()  # warm-up: imports, caches
        self.cpu, self.runs, self.on = [], 0, True
        self.profile = cProfile.Profile() if profile else None
        for _ in range(runs):
            action()
        self.on = False
        ms = sorted(c * 1000 for c in self.cpu)
        print(f"{label}: {runs} clicks, {self.runs} script runs, CPU per click median "
              f"{ms[len(ms) // 2]:.1f} ms, mean {sum(ms) / len(ms):.1f} ms", flush=True)
        if self.profile is not None:
            pstats.Stats(self.profile).sort_stats("cumulative").print_stats(r"/work|dispute|ui/",
                                                                             30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cases", type=int, default=120, help="demo disputes")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-page-runs-"))
    os.environ["DISPUTE_DATA_DIR"] = str(work / "data")
    os.environ.setdefault("DISPUTE_MAX_UPLOAD_MB", "50")
    from streamlit.testing.v1 import AppTest

    from dispute import demo
    from dispute.vocab import Role
    from tests.conftest import make_user, open_tab
    from tests.second_factor import ready
    from ui import session

    ctx = session.context()
    demo.create_demo(ctx, cases_count=args.cases, seed=7)
    staff = ready(ctx, make_user(ctx, Role.STAFF, email="bench@bench.example", name="李静"))
    clock = ScriptClock()
    print(f"bench/page_runs.py: {args.cases} demo disputes, load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    at = AppTest.from_file(str(REPO / "portal.py"), default_timeout=120)
    at.session_state["lang"] = "zh_CN"
    at.session_state["user_id"] = staff.id
    at.run()
    turns = iter(range(10**6))

    def page_turn() -> None:
        key = "queue_next" if next(turns) % 2 == 0 else "queue_prev"
        at.button(key=key).click().run()

    clock.measure("queue: next or previous page (staff)", page_turn, args.runs, args.profile)

    number = ctx.db.read(lambda tx: tx.execute(
        "SELECT min(number) FROM disputes WHERE stage = 'negotiation'").scalar())
    ws = AppTest.from_file(str(REPO / "portal.py"), default_timeout=120)
    ws.session_state["lang"] = "zh_CN"
    ws.session_state["user_id"] = staff.id
    ws.run()
    ws.switch_page("pages/workspace.py")
    ws.query_params["number"] = number
    ws.run()
    open_tab(ws, "Internal notes")  # a dispute's page draws only its open tab
    notes = iter(range(10**6))

    def add_note() -> None:
        ws.text_area(key="note_body").input(f"bench note {next(notes)}")
        ws.button(key="note_submit").click().run()

    clock.measure(f"workspace {number}: add a note (staff)", add_note, args.runs, args.profile)
    clock.measure(f"workspace {number}: rerun (staff)", ws.run, args.runs, args.profile)

    number = ctx.db.read(lambda tx: tx.execute(  # the decision's clock runs, and may pause
        "SELECT min(number) FROM disputes WHERE stage = 'filed'").scalar())
    ws.query_params["number"] = number
    open_tab(ws, "Deadlines")
    rule = next(b.key.removeprefix("dl_").removesuffix("_pause") for b in ws.button
                if b.key and b.key.startswith("dl_") and b.key.endswith("_pause"))

    def pause_or_resume() -> None:  # a deadline's button: a save, as a stage move or a contact
        ws.text_input(key=f"dl_{rule}_reason").input("等待外部评估结果")
        paused = any(b.key == f"dl_{rule}_resume" for b in ws.button)
        ws.button(key=f"dl_{rule}_{'resume' if paused else 'pause'}").click().run()
        if ws.error:  # a refused click is not the run measured here
            raise SystemExit(f"the deadline's {'resume' if paused else 'pause'} was refused: "
                             f"{ws.error[0].value}")

    clock.measure(f"workspace {number}: pause or resume a deadline (staff)", pause_or_resume,
                  args.runs, args.profile)
    if ws.exception or at.exception:
        raise SystemExit(f"the page failed: {ws.exception or at.exception}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
