"""Staff and legal dashboard: the figures a team lead reads first, then the charts (each with its
value labels and its CSV); a click on a bar opens the queue filtered to it."""

from datetime import timedelta

import streamlit as st

from dispute.dashboard import Filters, build_dashboard
from dispute.queue import institutions
from ui import dashboard_charts as charts
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
h = board.headline

figures = st.columns(5)
figures[0].metric(_("Open disputes"), f"{h.open:,}")
figures[1].metric(_("Overdue"), f"{h.overdue:,}",
                  help=_("Open disputes whose nearest lender deadline has passed."))
figures[2].metric(_("Due this week"), f"{h.due_this_week:,}",
                  help=_("Open disputes whose nearest lender deadline is today or in the next "
                         "six days."))
figures[3].metric(_("Deadlines met, 30 days"),
                  f"{h.met_share:.0%}" if h.met_share is not None else "—",
                  help=_("{met} met of {decided} lender deadlines due in the last 30 days.")
                  .format(met=h.met, decided=h.met + h.missed))
figures[4].metric(_("Median days to close"),
                  f"{h.median_days_to_close:,.0f}" if h.median_days_to_close is not None
                  else "—",
                  help=_("From filing to closing, over {count} closed disputes.")
                  .format(count=h.closed))
st.caption(_("Click a bar to open the queue filtered to it."))

charts.show("due_this_week", board.due_this_week, _("Disputes due in the next 7 days"), today)
charts.show("by_stage", board.by_stage, _("Disputes by stage"), today)
charts.show("age_of_open", board.age_of_open, _("Age of open disputes (days since filing)"),
            today)
charts.show("met_share_by_month", board.met_share_by_month,
            _("Lender deadlines met, by month due"), today)
charts.show("outcomes", board.outcomes, _("Outcomes of closed disputes"), today)
charts.show("top_institutions", board.top_institutions, _("Institutions with the most disputes"),
            today)
charts.show("top_error_categories", board.top_error_categories, _("Most frequent errors"),
            today)
