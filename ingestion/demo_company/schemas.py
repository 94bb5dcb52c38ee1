"""Column lists (CSV headers) of the plan files. CRM and finance headers are the sources' own
field lists (`ingestion.salesforce.fields`, `ingestion.finance.columns`)."""

PLAN_HEADERS: dict[str, list[str]] = {
    "territories": ["territory_id", "territory_name", "region", "segment"],
    "teams": ["team_id", "team_name", "territory_id", "region", "segment", "manager_user_id"],
    "team_memberships": ["user_id", "team_id", "role", "valid_from", "valid_to"],
    "quotas": ["user_id", "period_start", "period_end", "quota_amount", "currency", "ramp_pct"],
    "plan_assignments": ["user_id", "plan_id", "effective_from", "effective_to"],
    "forecast_calls": [
        "submitted_on",
        "user_id",
        "period_start",
        "commit_amount",
        "best_case_amount",
        "pipeline_amount",
        "currency",
    ],
}
