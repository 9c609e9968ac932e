"""The dashboard's charts: Altair bars with their values written on them, readable names (long
ones wrap onto a horizontal axis wide enough for them), every bucket shown, and a click on a bar
that opens the queue filtered to it (`dispute.dashboard.queue_params`)."""

from __future__ import annotations

import functools
import json
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from dispute.dashboard import Table, queue_params
from dispute.i18n import N_, format_date
from dispute.vocab import ErrorCategory, Resolution, Stage, label
from ui import session

# chart → (category column, value column, horizontal bars?)
LAYOUT = {
    "due_this_week": ("due_by", "disputes", True),  # seven long day names: one a row
    "by_stage": ("stage", "disputes", True),
    "age_of_open": ("age_days", "disputes", False),
    "met_share_by_month": ("month", "met_share", True),  # up to 12 months: one a row
    "outcomes": ("resolution", "disputes", True),
    "top_institutions": ("institution", "disputes", True),
    "top_error_categories": ("error_category", "disputes", True),
}
VOCAB = {"stage": Stage, "resolution": Resolution, "error_category": ErrorCategory}
AXES = {"stage": N_("Stage"), "disputes": N_("Disputes"), "age_days": N_("Days since filing"),
        "due_by": N_("Due by"), "month": N_("Month"), "met_share": N_("Share met"),
        "resolution": N_("Resolution"), "institution": N_("Institution"),
        "error_category": N_("Error category")}
PICK = "pick"


def frame(chart: str, table: Table) -> pd.DataFrame:
    """The table with a `name` column as the user reads it and `value`, the stored value the
    queue filters on."""
    _, lang = session.t(), session.lang()
    category, _value, _h = LAYOUT[chart]
    df = pd.DataFrame(table.records(), columns=list(table.columns))
    raw = list(df[category]) if category in df else []
    if category in VOCAB:
        names = [label(VOCAB[category](v), _) if v in set(VOCAB[category]) else
                 (_("none") if v is None else str(v)) for v in raw]
    elif category == "due_by":
        names = [_("{weekday} {date}").format(weekday=_(WEEKDAYS[v.weekday()]),
                                              date=format_date(v, lang)) for v in raw]
    elif category == "month":
        names = [f"{m:%Y-%m}" if hasattr(m, "strftime") else str(m) for m in raw]
    else:
        names = [str(v) for v in raw]
    df["name"] = names
    df["value"] = [v.isoformat() if hasattr(v, "isoformat") else str(v) for v in raw]
    return df


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def bars(chart: str, df: pd.DataFrame) -> alt.LayerChart:
    _ = session.t()
    category, value, horizontal = LAYOUT[chart]
    share = value == "met_share"
    fmt = ".0%" if share else ",d"
    order = list(df["name"])
    pick = alt.selection_point(name=PICK, fields=["value"], on="click")
    # every name shown (no label is dropped for overlapping), never cut short
    name_axis = alt.Axis(labelLimit=360, title=_(AXES[category]), labelAngle=0,
                         labelOverlap=False)
    amount = alt.Axis(title=_(AXES[value]), format=fmt, tickMinStep=1 if not share else 0.1)
    # room beyond the longest bar for its value label; an all-zero chart still has an axis
    top = 1.0 if share else max(1, int(df[value].max() or 0))
    scale = alt.Scale(domain=[0, top * 1.15], nice=False)
    base = alt.Chart(df)
    if horizontal:
        enc = {"y": alt.Y("name:N", sort=order, axis=name_axis),
               "x": alt.X(f"{value}:Q", axis=amount, scale=scale)}
        text = base.mark_text(align="left", dx=4, fontSize=12).encode(
            **enc, text=alt.Text(f"{value}:Q", format=fmt))
        height = max(140, 38 * len(df))
    else:
        enc = {"x": alt.X("name:N", sort=order, axis=name_axis),
               "y": alt.Y(f"{value}:Q", axis=amount, scale=scale)}
        text = base.mark_text(baseline="bottom", dy=-3, fontSize=12).encode(
            **enc, text=alt.Text(f"{value}:Q", format=fmt))
        height = 260
    columns = bars_tooltip(df, value, fmt)
    chart_bars = base.mark_bar(cursor="pointer", color="#1f5f8b").encode(
        **enc, tooltip=columns,
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55))).add_params(pick)
    return alt.layer(chart_bars, text).properties(height=height)


def spec(chart: str, df: pd.DataFrame) -> dict:
    """The chart's Vega-Lite spec, its data inline. Altair builds and checks it once per chart,
    language and data in this process: built and checked on every run, the seven charts took
    about 0.7 s of each run of the dashboard (at a million disputes, where the figures' own
    queries take about 0.1 s), for the same spec as long as the figures do not change."""
    rows = tuple(tuple(r) for r in df.itertuples(index=False, name=None))
    return json.loads(_spec_json(chart, session.lang(), tuple(df.columns), rows))


@functools.lru_cache(maxsize=256)
def _spec_json(chart: str, lang: str, columns: tuple, rows: tuple) -> str:
    df = pd.DataFrame(list(rows), columns=list(columns))
    made = bars(chart, df).to_dict(validate=False)
    # Altair's default theme's size for a view with no size of its own; st.altair_chart draws
    # without a theme, and so does this
    made.pop("config", None)
    return json.dumps(made, ensure_ascii=False, default=_json_value)


def _json_value(value):
    """A value of the chart's data as JSON has it: a day as its ISO date."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def bars_tooltip(df: pd.DataFrame, value: str, fmt: str) -> list:
    _ = session.t()
    return [alt.Tooltip("name:N", title=" "), alt.Tooltip(f"{value}:Q", format=fmt,
                                                         title=_(AXES[value]))]


def show(chart: str, table: Table, title: str, today: date) -> None:
    """One chart with its title, its empty state, its CSV, and its click-through."""
    _ = session.t()
    st.subheader(title)
    df = frame(chart, table)
    if df.empty:
        st.caption(_("Nothing to show for these filters."))
    else:
        clickable = chart != "met_share_by_month"
        event = st.vega_lite_chart(spec(chart, df), key=f"dashboard_chart_{chart}",
                                   on_select="rerun" if clickable else "ignore",
                                   selection_mode=PICK if clickable else None, width="stretch")
        picked = (event or {}).get("selection", {}).get(PICK) if clickable else None
        if picked:
            params = queue_params(chart, picked[0].get("value"), today)
            if params:
                st.switch_page("pages/queue.py", query_params=params)
    st.download_button(_("Download CSV"), table.to_csv(), file_name=f"{chart}.csv",
                       mime="text/csv", key=f"dashboard_csv_{chart}")
