"""Suites for raw tables: keys and required fields from each table's data contract, plus the
accepted values, ranges and references a contract cannot express."""

from __future__ import annotations

from collections.abc import Callable

from expectations.spec import (
    Lookup,
    Rules,
    SuiteSpec,
    expect,
    key_rules,
    non_negative,
    one_of,
    percentage,
    refers_to,
)
from ingestion.contracts import SNAKE_CASE, TableContract, required_columns
from ingestion.dbt_vars import deal_types, opportunity_stages
from ingestion.finance.tables import FINANCE_TABLES
from ingestion.hubspot.objects import OWNERS, SEARCHED_OBJECTS
from ingestion.plans import OPTIONAL_PLAN_TABLES, PLAN_TABLES
from ingestion.salesforce.objects import CRM_TABLES
from ingestion.zoho.objects import MODULES as ZOHO_MODULES
from ingestion.zoho.objects import USERS as ZOHO_USERS

SF, HS, ZOHO, FIN, PLANS = "raw_salesforce", "raw_hubspot", "raw_zoho", "raw_finance", "raw_plans"


def known_currencies(lookup: Lookup) -> list[object]:
    """A currency is known when finance has a rate for it (or it is what the rates convert into)."""
    return sorted(
        {*lookup(FIN, "fx_rates", "from_currency"), *lookup(FIN, "fx_rates", "to_currency")}, key=str
    )


def _names_known_users(lookup: Lookup) -> Rules:
    """A plan row for a user the CRM does not know (a typo, a rep not yet created) would pay or
    measure nobody: the check fails naming the user id. Users are those of every CRM loaded:
    Salesforce-shaped users, HubSpot owners, Zoho users."""
    users = sorted(
        {*lookup(SF, "user", "id"), *lookup(HS, "owners", "id"), *lookup(ZOHO, "users", "id")}, key=str
    )
    return one_of("user_id", users)


def _salesforce_opportunity(lookup: Lookup) -> Rules:
    return [
        *one_of("stage_name", opportunity_stages()),
        *one_of("currency_iso_code", known_currencies(lookup)),
        *non_negative("amount"),
        *percentage("probability"),
        *refers_to("owner_id", SF, "user", "id"),
        *refers_to("account_id", SF, "account", "id", "warning"),
        *one_of("type", deal_types(), "warning"),
    ]


def _invoices(lookup: Lookup) -> Rules:
    return [
        *non_negative("total_amount"),
        *one_of("currency", known_currencies(lookup)),
        *refers_to("customer_id", FIN, "customers", "customer_id"),
    ]


def _child_of_invoice(*money: str) -> Callable[[Lookup], Rules]:
    return lambda lookup: [
        *non_negative(*money),
        *refers_to("invoice_id", FIN, "invoices", "invoice_id"),
    ]


# (schema, table) -> rules beyond the contract's keys and required fields.
EXTRA_RULES: dict[tuple[str, str], Callable[[Lookup], Rules]] = {
    (SF, "opportunity"): _salesforce_opportunity,
    (SF, "opportunity_split"): lambda lookup: [
        *percentage("split_percentage"),
        *refers_to("opportunity_id", SF, "opportunity", "id"),
        *refers_to("split_owner_id", SF, "user", "id"),
    ],
    (SF, "opportunity_history"): lambda lookup: [*one_of("stage_name", opportunity_stages())],
    (SF, "opportunity_line_item"): lambda lookup: [
        *refers_to("opportunity_id", SF, "opportunity", "id"),
    ],
    (HS, "deals"): lambda lookup: [
        *non_negative("amount"),
        *refers_to("hubspot_owner_id", HS, "owners", "id"),
    ],
    (ZOHO, "deals"): lambda lookup: [
        *non_negative("amount"),
        *refers_to("owner_id", ZOHO, "users", "id"),
    ],
    (FIN, "invoices"): _invoices,
    (FIN, "invoice_lines"): _child_of_invoice(),
    (FIN, "payments"): _child_of_invoice("amount"),
    (FIN, "credit_notes"): _child_of_invoice("amount"),
    (FIN, "fx_rates"): lambda lookup: [
        (expect("ExpectColumnValuesToBeBetween", column="rate", min_value=0, strict_min=True), "blocking"),
    ],
    (PLANS, "quotas"): lambda lookup: [
        *non_negative("quota_amount"),
        *percentage("ramp_pct"),
        *_names_known_users(lookup),
    ],
    (PLANS, "plan_assignments"): _names_known_users,
    (PLANS, "teams"): lambda lookup: [*refers_to("territory_id", PLANS, "territories", "territory_id")],
    (PLANS, "team_memberships"): lambda lookup: [
        *refers_to("team_id", PLANS, "teams", "team_id"),
        *_names_known_users(lookup),
    ],
}
# Tables whose newest change should be recent: the CRM and finance feeds a daily run relies on.
RECENCY_COLUMNS = {
    (SF, "opportunity"): "system_modstamp",
    (HS, "deals"): "hs_lastmodifieddate",
    (ZOHO, "deals"): "modified_time",
    (FIN, "invoices"): "updated_at",
}


def _snake(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(SNAKE_CASE.normalize_identifier(column) for column in columns)


def contract_suite(schema: str, contract: TableContract, versioned: bool = True) -> SuiteSpec:
    key, required = _snake(contract.primary_key), _snake(required_columns(contract))
    extra = EXTRA_RULES.get((schema, contract.name), lambda lookup: [])
    return SuiteSpec(
        schema,
        contract.name,
        key,
        rules=lambda lookup: [*key_rules(key, required), *extra(lookup)],
        version_column=SNAKE_CASE.normalize_identifier(contract.cursor) if versioned else None,
        recency_column=RECENCY_COLUMNS.get((schema, contract.name)),
    )


def _plan_part(table: str, key: tuple[str, ...], rules: Callable[[Lookup], Rules]) -> SuiteSpec:
    """A comp plan's tiers, FX rates or SPIFFs: keyed within a plan version that was loaded."""
    return SuiteSpec(
        PLANS,
        table,
        key,
        rules=lambda lookup: [
            *key_rules(key),
            *refers_to("plan_version", PLANS, "comp_plans", "plan_version"),
            *rules(lookup),
        ],
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
    SuiteSpec(
        PLANS,
        "comp_plans",
        ("plan_id", "plan_version"),
        rules=lambda lookup: key_rules(("plan_id", "plan_version"), ("effective_from",)),
    ),
    _plan_part("comp_plan_tiers", ("plan_id", "plan_version", "tier_number"), lambda lookup: []),
    _plan_part(
        "comp_plan_fx_rates",
        ("plan_id", "plan_version", "from_currency"),
        lambda lookup: [
            (expect("ExpectColumnValuesToBeBetween", column="rate", min_value=0, strict_min=True), "blocking")
        ],
    ),
    _plan_part(
        "comp_plan_spiffs",
        ("plan_id", "plan_version", "spiff_number"),
        lambda lookup: non_negative("amount"),
    ),
)
