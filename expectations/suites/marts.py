"""Suites for the marts BI and payroll read: required fields, accepted values, plausible ranges, date
logic and references back to the people and deals they describe."""

from __future__ import annotations

from expectations.spec import (
    Lookup,
    Rules,
    SuiteSpec,
    expect,
    non_negative,
    one_of,
    percentage,
    refers_to,
    required_fields,
)
from expectations.suites.raw import known_currencies

PERIOD_GRAINS = ["week", "month", "quarter", "year"]
PIPELINE_SCOPES = ["closing_in_period", "all_open"]
MOVEMENT_KEY = ("period_grain", "period_start", "pipeline_scope", "rep_id")
BRIDGE_KEY = (*MOVEMENT_KEY, "opportunity_id", "movement_bucket")
LEDGER_ENTRY_TYPES = [
    "earned",
    "held",
    "released",
    "spiff",
    "override",
    "draw",
    "draw_recovery",
    "clawback",
    "adjustment",
]
# Over a quota period (quarter, year), attainment far beyond this is a data error (a misplaced
# decimal, a missing quota), not a hero. A month is not one: a rep hired mid-month has a few
# days' quota, and one deal can be ten times it.
PLAUSIBLE_ATTAINMENT_PCT = 1000


def _opportunities(lookup: Lookup) -> Rules:
    return [
        *required_fields("owner_id", "stage_name", "amount_reporting"),
        *non_negative("amount_reporting", "weighted_amount_reporting"),
        *percentage("probability_pct"),
        *one_of("currency_code", known_currencies(lookup)),
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


def _snapshots(lookup: Lookup) -> Rules:
    return [
        *non_negative("amount_reporting", "weighted_amount_reporting"),
        # A deal deleted since stays in the days it was open, but leaves fct_opportunities.
        *refers_to("opportunity_id", "intermediate", "int_crm_opportunities", "opportunity_id"),
    ]


def _movement(lookup: Lookup) -> Rules:
    return [
        *one_of("period_grain", PERIOD_GRAINS),
        *one_of("pipeline_scope", PIPELINE_SCOPES),
        *non_negative("open_at_start", "open_at_end", "created", "won", "lost"),
    ]


def _attainment(lookup: Lookup) -> Rules:
    return [
        *required_fields("period_grain", "member_id"),
        *one_of("attainment_level", ["rep", "team", "territory", "region", "manager"]),
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


def _commission_lines(lookup: Lookup) -> Rules:
    return [
        *required_fields("opportunity_id", "plan_id", "plan_version", "commission_amount"),
        *one_of("tier_mode", ["marginal", "retroactive"]),
        *refers_to("plan_version", "raw_plans", "comp_plans", "plan_version"),
    ]


def _statements(lookup: Lookup) -> Rules:
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
    SuiteSpec("pipeline", "fct_opportunities", ("opportunity_id",), _opportunities),
    # Daily snapshots grow by every open deal every day: validate the days a run rebuilds.
    SuiteSpec(
        "pipeline",
        "fct_pipeline_snapshots",
        ("snapshot_date", "opportunity_id"),
        _snapshots,
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
        lambda lookup: [],  # its grain is dbt's unique_combination test
        slice_column="period_start",
        slice_days=400,
    ),
    SuiteSpec("pipeline", "fct_pipeline_movement", MOVEMENT_KEY, _movement),
    SuiteSpec(
        "pipeline",
        "fct_pipeline_funnel",
        ("cohort_quarter_start", "stage_number"),
        lambda lookup: [
            *percentage("conversion_to_next_pct", "win_rate_from_stage_pct"),
        ],
    ),
    SuiteSpec(
        "pipeline",
        "fct_sales_metrics",
        ("sales_metric_id",),
        lambda lookup: [
            *percentage("win_rate_by_count_pct", "win_rate_by_value_pct"),
            *non_negative("won_amount", "open_pipeline_amount", "sales_cycle_days"),
        ],
    ),
    SuiteSpec("quota", "fct_quota_attainment", ("attainment_id",), _attainment),
    SuiteSpec(
        "quota",
        "fct_attainment_distribution",
        ("period_grain", "period_start", "band_order"),
        lambda lookup: [
            *percentage("share_of_reps_pct", "share_at_or_above_quota_pct"),
        ],
    ),
    SuiteSpec(
        "compensation",
        "fct_crediting_events",
        ("credit_id",),
        lambda lookup: [
            *required_fields("opportunity_id", "user_id", "plan_id", "plan_version"),
            (
                expect("ExpectColumnValuesToBeBetween", column="split_pct", min_value=0, max_value=200),
                "blocking",
            ),
            *refers_to("opportunity_id", "pipeline", "fct_opportunities", "opportunity_id"),
        ],
    ),
    SuiteSpec("compensation", "fct_commission_lines", ("commission_line_id",), _commission_lines),
    SuiteSpec(
        "compensation",
        "fct_payout_ledger",
        ("ledger_entry_id",),
        lambda lookup: [
            *required_fields("user_id", "ledger_month", "entry_type", "amount"),
            *one_of("entry_type", LEDGER_ENTRY_TYPES),
        ],
    ),
    SuiteSpec("compensation", "fct_commission_statements", ("statement_id",), _statements),
    SuiteSpec(
        "compensation",
        "fct_bookings_invoice_exceptions",
        ("exception_id",),
        lambda lookup: [
            *required_fields("account_id", "currency_code", "likely_reason"),
            # A business exception: any row at all is worth a look, never a reason to hold back.
            (expect("ExpectTableRowCountToEqual", value=0), "warning"),
        ],
    ),
    SuiteSpec(
        "compensation",
        "fct_commission_accruals",
        ("accrual_id",),
        lambda lookup: [
            *non_negative("capitalized_closing_amount", "accrued_liability_amount", severity="warning"),
        ],
    ),
)
