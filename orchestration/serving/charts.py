"""Pictures for the publication's page in the Dagster UI, where a picture says more than a table:
the last full month's pipeline waterfall, the latest quarter's attainment distribution, the last
complete quarter's lead funnel, campaign ROI by attribution model, this quarter's forecast cone
and the forecasts' accuracy by week of quarter."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

from orchestration.serving.reader import Fetch

WATERFALL_STEPS = (
    ("created", 1),
    ("reopened", 1),
    ("pulled_in", 1),
    ("transferred_in", 1),
    ("increased", 1),
    ("decreased", -1),
    ("pushed_out", -1),
    ("transferred_out", -1),
    ("won", -1),
    ("lost", -1),
    ("removed", -1),
    ("fx_revaluation", 1),
)


def _pyplot() -> Any:
    """matplotlib, imported when a chart is drawn (not by every process that loads the
    definitions), rendering to PNG bytes: there is no display."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    _pyplot().close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def waterfall_chart(fetch: Fetch, table: str) -> tuple[str, str] | None:
    """(title, base64 PNG) of the newest complete month's movement over all reps, in the all_open
    scope (every open deal, whatever its close date)."""
    sums = ", ".join(f"sum({step})" for step, _ in WATERFALL_STEPS)
    rows = fetch(
        f"select period_start, sum(open_at_start), {sums}, sum(open_at_end) from {table} "
        f"where period_grain = 'month' and pipeline_scope = 'all_open' "
        f"and period_end < (select max(period_end) from {table} "
        "where period_grain = 'month') group by period_start order by period_start desc limit 1"
    )
    if not rows:
        return None
    month, start, *moves, end = rows[0]
    labels = ["open at start", *(step.replace("_", " ") for step, _ in WATERFALL_STEPS), "open at end"]
    figure, axis = _pyplot().subplots(figsize=(10, 3.5))
    level = float(start)
    axis.bar(0, level, color="#4a6fa5")
    for index, ((_, sign), amount) in enumerate(zip(WATERFALL_STEPS, moves, strict=True), start=1):
        change = sign * float(amount or 0)
        axis.bar(index, change, bottom=level, color="#3c9a5f" if change >= 0 else "#c0504d")
        level += change
    axis.bar(len(labels) - 1, float(end), color="#4a6fa5")
    axis.set_xticks(range(len(labels)), labels, rotation=40, ha="right")
    axis.set_ylabel("reporting currency")
    title = f"Pipeline waterfall, {month:%B %Y} (all open deals)"
    axis.set_title(title)
    return title, _png(figure)


def distribution_chart(fetch: Fetch, table: str) -> tuple[str, str] | None:
    """(title, base64 PNG) of reps per attainment band in the newest quarter."""
    rows = fetch(
        f"select period_start, band_label, rep_count from {table} where period_grain = 'quarter' "
        f"and period_start = (select max(period_start) from {table} where period_grain = 'quarter') "
        "order by band_order"
    )
    if not rows:
        return None
    figure, axis = _pyplot().subplots(figsize=(6, 3))
    axis.bar([row[1] for row in rows], [int(row[2]) for row in rows], color="#4a6fa5")
    axis.set_ylabel("reps")
    title = f"Attainment distribution, quarter of {rows[0][0]:%B %Y}"
    axis.set_title(title)
    return title, _png(figure)


FUNNEL_STAGES = (
    ("leads_created", "leads"),
    ("leads_reached_mql", "MQL"),
    ("leads_reached_sql", "SQL"),
    ("leads_converted", "opportunity"),
    ("opportunities_won", "won"),
)


def funnel_chart(fetch: Fetch, table: str) -> tuple[str, str] | None:
    """(title, base64 PNG) of the newest complete quarter's lead cohort, stage by stage, with each
    stage's conversion from the one before."""
    sums = ", ".join(f"sum({column})" for column, _ in FUNNEL_STAGES)
    rows = fetch(
        f"select period_start, {sums} from {table} where period_grain = 'quarter' "
        f"and period_end < (select max(period_end) from {table} where period_grain = 'quarter') "
        "group by period_start order by period_start desc limit 1"
    )
    if not rows or not rows[0][1]:
        return None
    quarter, *counts = rows[0]
    figure, axis = _pyplot().subplots(figsize=(7, 3))
    labels = [label for _, label in FUNNEL_STAGES]
    values = [int(count or 0) for count in counts]
    axis.barh(labels[::-1], values[::-1], color="#4a6fa5")
    for index, (value, before) in enumerate(zip(values[1:], values, strict=False), start=1):
        share = f"{value / before:.0%} of {labels[index - 1]}" if before else ""
        axis.annotate(share, (value, len(values) - 1 - index), xytext=(4, -3), textcoords="offset points")
    axis.set_xlabel("leads created in the quarter")
    title = f"Lead funnel, cohort of the quarter of {quarter:%B %Y}"
    axis.set_title(title)
    return title, _png(figure)


def campaign_roi_chart(fetch: Fetch, table: str) -> tuple[str, str] | None:
    """(title, base64 PNG) of ROI by campaign type under each attribution model, over the
    campaigns that started in the last twelve months of data and have a cost."""
    rows = fetch(
        f"select campaign_type, attribution_model, "
        f"(sum(won_attributed_reporting) - sum(cost_reporting)) / sum(cost_reporting) from {table} "
        f"where cost_reporting > 0 "
        f"and start_date > (select max(start_date) from {table}) - interval '1 year' "
        "group by 1, 2 order by 1, 2"
    )
    if not rows:
        return None
    types = sorted({row[0] or "(none)" for row in rows})
    models = sorted({row[1] for row in rows})
    roi = {(row[0] or "(none)", row[1]): float(row[2]) for row in rows}
    figure, axis = _pyplot().subplots(figsize=(9, 3.5))
    width = 0.8 / len(models)
    for offset, model in enumerate(models):
        positions = [index + offset * width for index in range(len(types))]
        axis.bar(positions, [roi.get((kind, model), 0.0) for kind in types], width, label=model)
    axis.set_xticks([index + 0.4 - width / 2 for index in range(len(types))], types)
    axis.set_ylabel("ROI = (attributed won - cost) / cost")
    axis.legend(fontsize=7)
    title = "Campaign ROI by type and attribution model, last twelve months"
    axis.set_title(title)
    return title, _png(figure)


def forecast_cone_chart(fetch: Fetch, table: str) -> tuple[str, str] | None:
    """(title, base64 PNG) of the newest quarter's company forecast week by week: the p10-p90
    cone, p50, weighted pipeline, the sum of the managers' commit calls and what was won to date."""
    rows = fetch(
        f"select company.forecast_date, company.forecast_p10, company.forecast_p50, company.forecast_p90, "
        f"company.weighted_pipeline_forecast, company.closed_won_to_date, "
        f"(select sum(teams.submitted_commit_call) from {table} as teams where teams.forecast_level = 'team' "
        f"and teams.quarter_start = company.quarter_start and teams.forecast_date = company.forecast_date) "
        f"from {table} as company where company.forecast_level = 'company' "
        f"and company.quarter_start = (select max(quarter_start) from {table}) order by company.forecast_date"
    )
    if not rows:
        return None
    days = [row[0] for row in rows]
    p10, p50, p90, weighted, won = ([float(row[i]) for row in rows] for i in range(1, 6))
    calls = [float(row[6]) if row[6] is not None else float("nan") for row in rows]
    figure, axis = _pyplot().subplots(figsize=(8, 3.5))
    axis.fill_between(days, p10, p90, color="#4a6fa5", alpha=0.25, label="statistical p10-p90")
    axis.plot(days, p50, color="#4a6fa5", label="statistical p50")
    axis.plot(days, weighted, color="#c0504d", linestyle="--", label="weighted pipeline")
    axis.plot(days, calls, color="#8064a2", linestyle=":", label="managers' calls (sum)")
    axis.plot(days, won, color="#3c9a5f", label="won to date")
    axis.set_ylabel("reporting currency")
    axis.legend(fontsize=7)
    figure.autofmt_xdate()
    title = f"Forecast for the quarter of {days[0]:%B %Y}, company"
    axis.set_title(title)
    return title, _png(figure)


def forecast_accuracy_chart(fetch: Fetch, table: str) -> tuple[str, str] | None:
    """(title, base64 PNG) of each method's mean absolute percentage error by week of quarter,
    company level, over every finished quarter."""
    rows = fetch(
        f"select forecast_method, week_of_quarter, avg(absolute_percentage_error) from {table} "
        "where forecast_level = 'company' group by 1, 2 order by 1, 2"
    )
    if not rows:
        return None
    figure, axis = _pyplot().subplots(figsize=(8, 3.5))
    for method in sorted({row[0] for row in rows}):
        points = [(row[1], float(row[2] or 0) * 100) for row in rows if row[0] == method]
        axis.plot([w for w, _ in points], [e for _, e in points], marker="o", label=method)
    axis.set_xlabel("week of quarter")
    axis.set_ylabel("MAPE, %")
    axis.legend(fontsize=7)
    title = "Forecast accuracy by week of quarter (company, finished quarters)"
    axis.set_title(title)
    return title, _png(figure)


# mart -> the chart that shows it
CHARTS: dict[str, Callable[[Fetch, str], tuple[str, str] | None]] = {
    "fct_pipeline_movement": waterfall_chart,
    "fct_attainment_distribution": distribution_chart,
    "fct_lead_funnel": funnel_chart,
    "fct_campaign_performance": campaign_roi_chart,
    "fct_forecast": forecast_cone_chart,
    "fct_forecast_accuracy": forecast_accuracy_chart,
}


def chart_markdown(fetch: Fetch, table: str, qualified: str) -> str:
    """Markdown with the mart's chart as an inline image (the UI renders data URIs), or ''."""
    chart = CHARTS[table](fetch, qualified) if table in CHARTS else None
    if chart is None:
        return ""
    title, png = chart
    return f"**{title}**\n\n![{title}](data:image/png;base64,{png})"
