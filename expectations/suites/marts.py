"""Suites for the marts BI and payroll read: required fields, plausible ranges and date logic.
Their keys, accepted values and references are dbt tests in the marts' yml."""

from __future__ import annotations

from expectations.spec import (
    Rules,
    SuiteSpec,
    at_most,
    expect,
    non_negative,
    percentage,
    rate,
    required_fields,
)

MOVEMENT_KEY = ("period_grain", "period_start", "pipeline_scope", "rep_id")
BRIDGE_KEY = (*MOVEMENT_KEY, "opportunity_id", "movement_bucket")
# Over a quota period (quarter, year), attainment far beyond this is a data error (a misplaced
# decimal, a missing quota), not a hero. A month is not one: a rep hired mid-month has a few
# days' quota, and one deal can be ten times it.
PLAUSIBLE_ATTAINMENT_PCT = 1000


def _opportunities() -> Rules:
    return [
        *required_fields("owner_id", "stage_name", "amount_reporting"),
        *non_negative("amount_reporting", "weighted_amount_reporting"),
        *percentage("probability_pct"),
        (
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                column_A="close_date",
                column_B="created_date",
                or_equal=True,
                row_condition="is_open == False",
                condition_parser="pandas",
            ),
            "blocking",
        ),
        (expect("ExpectColumnValuesToNotBeNull", column="team_id"), "warning"),
    ]


def _snapshots() -> Rules:
    return [
        *non_negative("amount_reporting", "weighted_amount_reporting"),
    ]


def _movement() -> Rules:
    return [
        *non_negative("open_at_start", "open_at_end", "created", "won", "lost"),
    ]


def _attainment() -> Rules:
    return [
        *required_fields("period_grain", "member_id"),
        *non_negative("quota_amount", "bookings_credited"),
        (
            expect(
                "ExpectColumnValuesToBeBetween",
                column="attainment_pct",
                min_value=0,
                max_value=PLAUSIBLE_ATTAINMENT_PCT,
                row_condition='period_grain != "month"',
                condition_parser="pandas",
            ),
            "warning",
        ),
    ]


def _commission_lines() -> Rules:
    return [
        *required_fields("opportunity_id", "plan_id", "plan_version", "commission_amount"),
    ]


def _statements() -> Rules:
    return [
        *required_fields("user_id", "statement_month", "net_payout_amount"),
        # Pay is never negative: a shortfall (a negative amount) carries to the next month instead.
        *non_negative("payout_amount"),
        (
            expect("ExpectColumnValuesToBeBetween", column="shortfall_carried_out_amount", max_value=0),
            "blocking",
        ),
    ]


MART_SUITES: tuple[SuiteSpec, ...] = (
    SuiteSpec("pipeline", "fct_opportunities", ("opportunity_id",), _opportunities()),
    # Daily snapshots grow by every open deal every day: validate the days a run rebuilds.
    SuiteSpec(
        "pipeline",
        "fct_pipeline_snapshots",
        ("snapshot_date", "opportunity_id"),
        _snapshots(),
        slice_column="snapshot_date",
        slice_days=7,
        recency_column="snapshot_date",
    ),
    # The periods a run can rebuild (those ending within the lookback of the as-of date; no
    # period is longer than a year) started in the last 400 days; read whole, the bridge held
    # 7.6 GiB in pandas at demo scale 100. dbt's unique_combination test covers the whole table.
    SuiteSpec(
        "pipeline",
        "fct_pipeline_movement_bridge",
        BRIDGE_KEY,
        [],  # its grain is dbt's unique_combination test
        slice_column="period_start",
        slice_days=400,
    ),
    # Incremental like its bridge: the periods a run can rebuild.
    SuiteSpec(
        "pipeline",
        "fct_pipeline_movement",
        MOVEMENT_KEY,
        _movement(),
        slice_column="period_start",
        slice_days=400,
    ),
    SuiteSpec(
        "pipeline",
        "fct_pipeline_funnel",
        ("cohort_quarter_start", "stage_number"),
        [
            *percentage("conversion_to_next_pct", "win_rate_from_stage_pct"),
        ],
    ),
    SuiteSpec(
        "pipeline",
        "fct_sales_metrics",
        ("sales_metric_id",),
        [
            *percentage("win_rate_by_count_pct", "win_rate_by_value_pct"),
            *non_negative("won_amount", "open_pipeline_amount", "sales_cycle_days"),
        ],
    ),
    SuiteSpec("quota", "fct_quota_attainment", ("attainment_id",), _attainment()),
    SuiteSpec(
        "quota",
        "fct_attainment_distribution",
        ("period_grain", "period_start", "band_order"),
        [
            *percentage("share_of_reps_pct", "share_at_or_above_quota_pct"),
        ],
    ),
    SuiteSpec(
        "compensation",
        "fct_crediting_events",
        ("credit_id",),
        [
            *required_fields("opportunity_id", "user_id", "plan_id", "plan_version"),
            (
                expect("ExpectColumnValuesToBeBetween", column="split_pct", min_value=0, max_value=200),
                "blocking",
            ),
        ],
    ),
    SuiteSpec("compensation", "fct_commission_lines", ("commission_line_id",), _commission_lines()),
    SuiteSpec(
        "compensation",
        "fct_payout_ledger",
        ("ledger_entry_id",),
        [
            *required_fields("user_id", "ledger_month", "entry_type", "amount"),
        ],
    ),
    SuiteSpec("compensation", "fct_commission_statements", ("statement_id",), _statements()),
    SuiteSpec(
        "compensation",
        "fct_bookings_invoice_exceptions",
        ("exception_id",),
        [
            *required_fields("account_id", "currency_code", "likely_reason"),
            # A business exception: any row at all is worth a look, never a reason to hold back.
            (expect("ExpectTableRowCountToEqual", value=0), "warning"),
        ],
    ),
    SuiteSpec(
        "compensation",
        "fct_commission_accruals",
        ("accrual_id",),
        [
            *non_negative("capitalized_closing_amount", "accrued_liability_amount", severity="warning"),
        ],
    ),
    SuiteSpec(
        "marketing",
        "fct_acquisition_cost",
        ("acquisition_cost_id",),
        [
            *required_fields("period_start", "breakdown_value", "total_cost_reporting"),
            *non_negative(
                "new_customers", "marketing_spend_reporting", "other_sales_marketing_cost_reporting"
            ),
            # A region's month of clawbacks without new customers can rightly cost less than nothing;
            # the whole company's selling and marketing cannot: worth a look, not a hold.
            (
                expect(
                    "ExpectColumnValuesToBeBetween",
                    column="total_cost_reporting",
                    min_value=0,
                    row_condition='breakdown_level == "company"',
                    condition_parser="pandas",
                ),
                "warning",
            ),
        ],
    ),
    SuiteSpec(
        "marketing",
        "fct_lead_funnel",
        ("period_grain", "period_start", "lead_source", "team_id"),
        [
            *required_fields("period_start", "lead_source", "team_id"),
            *non_negative("leads_created", "median_days_to_mql", "median_days_converted_to_won"),
            *rate("lead_to_mql_rate", "mql_to_sql_rate", "sql_to_converted_rate", "converted_to_won_rate"),
            # Each stage is a subset of the one before it.
            *at_most("leads_reached_mql", "leads_created"),
            *at_most("leads_reached_sql", "leads_reached_mql"),
            *at_most("leads_converted", "leads_reached_sql"),
            *at_most("opportunities_won", "leads_converted"),
        ],
    ),
    SuiteSpec(
        "marketing",
        "fct_campaign_attribution",
        ("opportunity_id", "campaign_member_id", "attribution_model"),
        [
            *required_fields("campaign_id", "touched_on", "attributed_amount_reporting"),
            *non_negative("attributed_amount_reporting"),
            *rate("attribution_weight"),
            *at_most("touch_number", "touch_count"),
        ],
    ),
    SuiteSpec(
        "marketing",
        "fct_campaign_performance",
        ("campaign_id", "attribution_model"),
        [
            *non_negative("cost_reporting", "members", "won_attributed_reporting"),
            *at_most("responses", "members"),
            *at_most("opportunities_sourced", "opportunities_influenced"),
        ],
    ),
    SuiteSpec(
        "pipeline",
        "fct_rep_activity",
        ("period_grain", "period_start", "rep_id"),
        [
            *required_fields("period_start", "rep_id"),
            *non_negative("activities", "open_opportunities", "closed_deals"),
            *at_most("completed_activities", "activities"),
            *at_most("stale_open_opportunities", "open_opportunities"),
            *at_most("won_deals", "closed_deals"),
        ],
    ),
    SuiteSpec(
        "crm_health",
        "fct_opportunity_hygiene",
        ("week_start", "opportunity_id", "rule_name"),
        required_fields("measured_on", "rule_status", "severity"),
    ),
    SuiteSpec(
        "crm_health",
        "fct_rep_data_health",
        ("week_start", "health_level", "member_id"),
        [
            *required_fields("health_score"),
            *percentage("health_score"),
            *at_most("deals_with_violation", "open_deals"),
            *at_most("deals_with_high_severity", "deals_with_violation"),
        ],
    ),
    SuiteSpec(
        "forecast",
        "fct_forecast",
        ("quarter_start", "forecast_date", "forecast_level", "member_id"),
        [
            *required_fields("forecast_p50", "weighted_pipeline_forecast"),
            *non_negative("closed_won_to_date", "open_pipeline", "expected_from_open", "expected_from_new"),
            *at_most("forecast_p10", "forecast_p50"),
            *at_most("forecast_p50", "forecast_p90"),
            *at_most("closed_won_to_date", "forecast_p10"),
        ],
    ),
    SuiteSpec(
        "forecast",
        "fct_forecast_accuracy",
        ("quarter_start", "forecast_date", "forecast_level", "member_id", "forecast_method"),
        [*required_fields("forecast_amount", "final_bookings"), *non_negative("absolute_percentage_error")],
    ),
)
