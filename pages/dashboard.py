"""Staff and legal dashboard: counts, ages, deadlines and outcomes, each with its CSV."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dispute.dashboard import Filters, Table, build_dashboard
from dispute.queue import institutions
from dispute.i18n import N_
from dispute.vocab import ErrorCategory, Resolution, Stage, label
from ui import session, signed_in

_ = session.t()
user = signed_in.require_user()
ctx = session.context()
st.title(_("Dashboard"))

today = ctx.today()
left, right = st.columns([2, 2])
period = left.date_input(_("Filed between"), value=(today - timedelta(days=365), today),
                         key="dashboard_period")
everyone = _("All institutions")
chosen = right.selectbox(_("Institution"), [everyone, *sorted(institutions(ctx, user))],
                         key="dashboard_institution")
start, end = (period if isinstance(period, (tuple, list)) and len(period) == 2
              else (None, None))
board = build_dashboard(ctx, user, Filters(start, end, None if chosen == everyone else chosen))

VOCAB = {"stage": Stage, "resolution": Resolution, "error_category": ErrorCategory}
AXES = {"stage": N_("Stage"), "disputes": N_("Disputes"), "age_days": N_("Days since filing"),
        "due_by": N_("Due by"), "deadlines": N_("Deadlines"), "month": N_("Month"),
        "met_share": N_("Share met"), "resolution": N_("Resolution"),
        "institution": N_("Institution"), "error_category": N_("Error category")}


def frame(table: Table) -> pd.DataFrame:
    """The table with vocabulary values shown as the user's labels."""
    df = pd.DataFrame(table.records(), columns=list(table.columns))
    for column, vocab in VOCAB.items():
        if column in df:
            df[column] = [label(vocab(v), _) if v in set(vocab) else v for v in df[column]]
    if "month" in df:  # one bar per month, named like 2026-04, not a thin bar on a time axis
        df["month"] = [f"{m:%Y-%m}" if hasattr(m, "strftime") else str(m) for m in df["month"]]
    return df


def chart(title: str, table: Table, x: str, y: str, key: str) -> None:
    st.subheader(title)
    df = frame(table)
    if df.empty:
        st.caption(_("Nothing to show for these filters."))
    else:
        # Axis titles in the user's language; bars in the service's order (stages in lifecycle
        # order, institutions by count), not alphabetical.
        st.bar_chart(df, x=x, y=y, x_label=_(AXES[x]), y_label=_(AXES[y]), sort=False,
                     horizontal=x not in ("month", "due_by", "age_days"))
    st.download_button(_("Download CSV"), table.to_csv(), file_name=f"{key}.csv",
                       mime="text/csv", key=f"dashboard_csv_{key}")


chart(_("Disputes by stage"), board.by_stage, "stage", "disputes", "by_stage")
chart(_("Age of open disputes (days since filing)"), board.age_of_open, "age_days",
      "disputes", "age_of_open")
chart(_("Deadlines due this week"), board.due_this_week, "due_by", "deadlines",
      "due_this_week")
chart(_("Lender deadlines met, by month due"), board.met_share_by_month, "month", "met_share",
      "met_share_by_month")
chart(_("Outcomes of closed disputes"), board.outcomes, "resolution", "disputes", "outcomes")
chart(_("Institutions with the most disputes"), board.top_institutions, "institution",
      "disputes", "top_institutions")
chart(_("Most frequent errors"), board.top_error_categories, "error_category", "disputes",
      "top_error_categories")
