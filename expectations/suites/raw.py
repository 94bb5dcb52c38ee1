"""Suites for raw tables: required fields from each table's data contract, plus the ranges a
contract cannot express. Keys, references and accepted values (stages, currencies with a rate,
users the plans name) are dbt tests on the staging models, which read the newest version of
each record as these suites do; how recent each daily feed is, is dbt's source freshness."""

from __future__ import annotations

from expectations.spec import (
    Rules,
    SuiteSpec,
    expect,
    non_negative,
    percentage,
    required_fields,
)
from ingestion.contracts import SNAKE_CASE, TableContract, required_columns
from ingestion.finance.tables import FINANCE_TABLES
from ingestion.hubspot.objects import OWNERS, SEARCHED_OBJECTS
from ingestion.plans import OPTIONAL_PLAN_TABLES, PLAN_TABLES
from ingestion.salesforce.objects import CRM_TABLES
from ingestion.zoho.objects import MODULES as ZOHO_MODULES
from ingestion.zoho.objects import USERS as ZOHO_USERS

SF, HS, ZOHO, FIN, PLANS = "raw_salesforce", "raw_hubspot", "raw_zoho", "raw_finance", "raw_plans"
POSITIVE_RATE: Rules = [
    (expect("ExpectColumnValuesToBeBetween", column="rate", min_value=0, strict_min=True), "blocking")
]

# (schema, table) -> rules beyond the contract's required fields.
EXTRA_RULES: dict[tuple[str, str], Rules] = {
    (SF, "opportunity"): [*non_negative("amount"), *percentage("probability")],
    (SF, "opportunity_split"): percentage("split_percentage"),
    (HS, "deals"): non_negative("amount"),
    (ZOHO, "deals"): non_negative("amount"),
    (FIN, "invoices"): non_negative("total_amount"),
    (FIN, "payments"): non_negative("amount"),
    (FIN, "credit_notes"): non_negative("amount"),
    (FIN, "fx_rates"): POSITIVE_RATE,
    (FIN, "marketing_spend"): non_negative("amount"),
    (FIN, "sales_marketing_costs"): non_negative("amount"),
    (PLANS, "quotas"): [*non_negative("quota_amount"), *percentage("ramp_pct")],
}


def _snake(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(SNAKE_CASE.normalize_identifier(column) for column in columns)


def contract_suite(schema: str, contract: TableContract, versioned: bool = True) -> SuiteSpec:
    key, required = _snake(contract.primary_key), _snake(required_columns(contract))
    return SuiteSpec(
        schema,
        contract.name,
        key,
        # The key's own presence and uniqueness are dbt's (staging's not_null and unique tests).
        rules=[
            *required_fields(*(c for c in required if c not in key)),
            *EXTRA_RULES.get((schema, contract.name), []),
        ],
        version_column=SNAKE_CASE.normalize_identifier(contract.cursor) if versioned else None,
    )


RAW_SUITES: tuple[SuiteSpec, ...] = (
    *(contract_suite(SF, contract) for contract in CRM_TABLES),
    *(contract_suite(HS, crm_object.contract) for crm_object in SEARCHED_OBJECTS),
    contract_suite(HS, OWNERS),
    *(contract_suite(ZOHO, zoho_module.contract) for zoho_module in ZOHO_MODULES),
    contract_suite(ZOHO, ZOHO_USERS),
    *(contract_suite(FIN, contract) for contract in FINANCE_TABLES),
    # Plan tables are replaced by their files on each load: one version only.
    *(contract_suite(PLANS, contract, versioned=False) for contract in (*PLAN_TABLES, *OPTIONAL_PLAN_TABLES)),
    # A comp plan's parts, keyed within a plan version (their keys and the version they name are
    # dbt's to test).
    SuiteSpec(PLANS, "comp_plans", ("plan_id", "plan_version"), rules=required_fields("effective_from")),
    SuiteSpec(PLANS, "comp_plan_tiers", ("plan_id", "plan_version", "tier_number")),
    SuiteSpec(PLANS, "comp_plan_fx_rates", ("plan_id", "plan_version", "from_currency"), rules=POSITIVE_RATE),
    SuiteSpec(
        PLANS, "comp_plan_spiffs", ("plan_id", "plan_version", "spiff_number"), rules=non_negative("amount")
    ),
)
