"""Generates the whole demo company: CRM exports, finance exports and plan files.

The company's history is fixed by the seed; the as-of date only cuts it. Every record is drawn
from a random stream keyed by what it is (a book, a month, an opportunity number), never by the
as-of date, and months are processed in order, so a later as-of sees the same past plus new days.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from ingestion.demo_company import settings
from ingestion.demo_company.calendar_utils import (
    add_months,
    at_work_hours,
    month_starts,
    poisson,
)
from ingestion.demo_company.costs import write_sales_marketing_costs
from ingestion.demo_company.finance import bill_won_deal, write_fx_rates
from ingestion.demo_company.forecast_calls import DealOutcome, forecast_call_rows
from ingestion.demo_company.funnel import Funnel
from ingestion.demo_company.ids import sf_id
from ingestion.demo_company.opportunities import OpportunityLife, draw_amount_cents, draw_term, simulate
from ingestion.demo_company.org import Book, Org, build_org
from ingestion.demo_company.plan_files import write_plan_files
from ingestion.demo_company.users import write_users_and_roles
from ingestion.demo_company.writer import PartitionedCsvWriter, cents, publish
from ingestion.finance.columns import FINANCE_COLUMNS
from ingestion.salesforce.fields import SOBJECT_FIELDS

COUNTRIES = {"USD": "United States", "EUR": "Germany", "GBP": "United Kingdom", "AUD": "Australia"}
COMPANY_WORDS = (
    "Acme",
    "Blue",
    "Cedar",
    "Delta",
    "Echo",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kite",
    "Lumen",
    "Maple",
    "Nimbus",
    "Orbit",
    "Pioneer",
    "Quartz",
    "River",
    "Summit",
    "Tandem",
    "Vertex",
    "Willow",
)
COMPANY_SUFFIXES = (
    "Labs",
    "Systems",
    "Group",
    "Health",
    "Logistics",
    "Bank",
    "Retail",
    "Media",
    "Works",
    "Analytics",
)


@dataclass(slots=True)
class AccountState:
    number: int
    book: Book
    name: str
    currency: str
    segment: str
    created_at: datetime
    contact_ids: list[str] = field(default_factory=list)
    first_won_at: datetime | None = None
    is_initial_customer: bool = False
    industry: str | None = None
    employees: int = 0

    @property
    def account_id(self) -> str:
        return sf_id("Account", self.number)

    @property
    def customer_id(self) -> str:
        return f"CUST-{self.number:07d}"


@dataclass(slots=True)
class PendingRenewal:
    account: AccountState
    annual_cents: int
    contract_end: date


@dataclass
class DemoCompany:
    """Everything the generator needs while it walks through the months."""

    seed: int
    as_of: date
    org: Org
    writer: PartitionedCsvWriter
    funnel: Funnel
    accounts: list[AccountState] = field(default_factory=list)
    book_prospects: dict[int, list[AccountState]] = field(default_factory=lambda: defaultdict(list))
    book_customers: dict[int, list[AccountState]] = field(default_factory=lambda: defaultdict(list))
    renewals_by_month: dict[date, list[PendingRenewal]] = field(default_factory=lambda: defaultdict(list))
    deal_outcomes: list[DealOutcome] = field(default_factory=list)
    opportunity_count: int = 0
    contact_count: int = 0
    activity_count: int = 0

    # -- accounts and contacts -------------------------------------------------------------
    def new_account(self, book: Book, created: date, rng: random.Random) -> AccountState:
        region = self.org.teams[book.team_id].region
        currencies = settings.REGIONS[region][1]
        currency = rng.choices(list(currencies), list(currencies.values()))[0]
        account = AccountState(
            number=len(self.accounts) + 1,
            book=book,
            name=f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIXES)} {len(self.accounts) + 1}",
            currency=currency,
            segment=book.segment(self.org.teams),
            created_at=at_work_hours(created, rng),
            industry=None if rng.random() < settings.NULL_INDUSTRY_RATE else rng.choice(settings.INDUSTRIES),
            employees=int(rng.lognormvariate(6, 1.2)) + 10,
        )
        self.accounts.append(account)
        owner = book.occupant_on(created)
        for _ in range(rng.randrange(2, 6)):
            self.contact_count += 1
            contact_id = sf_id("Contact", self.contact_count)
            first, last = (
                rng.choice(("Alex", "Sam", "Jordan", "Robin", "Kim", "Lee", "Max")),
                rng.choice(("Brown", "Novak", "Moreau", "Schmidt", "Kowalski", "Sato", "Reyes")),
            )
            phone = (
                None
                if rng.random() < settings.NULL_PHONE_RATE
                else f"+1-555-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}"
            )
            self.writer.add(
                "crm/Contact",
                {
                    "Id": contact_id,
                    "IsDeleted": False,
                    "AccountId": account.account_id,
                    "FirstName": first,
                    "LastName": last,
                    "Name": f"{first} {last}",
                    "Email": f"{first}.{last}.{self.contact_count}@example.com".lower(),
                    "Phone": phone,
                    "Title": rng.choice(("CFO", "VP Sales", "Head of IT", "Buyer")),
                    "LeadSource": rng.choice(settings.LEAD_SOURCES),
                    "OwnerId": owner.user_id,
                    "CreatedDate": account.created_at,
                    "LastModifiedDate": account.created_at,
                    "SystemModstamp": account.created_at,
                },
                account.created_at,
            )
            account.contact_ids.append(contact_id)
        return account

    def seed_initial_book(self, book: Book) -> None:
        """Accounts a book already had when the history starts, some of them customers."""
        rng = random.Random(f"{self.seed}:initial-book:{book.book_number}")
        for index in range(30):
            created = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 700))
            account = self.new_account(book, created, rng)
            if index < 8:
                account.is_initial_customer = True
                self.book_customers[book.book_number].append(account)
                annual = draw_amount_cents(rng, account.segment, "New Business", 12)
                contract_end = settings.EPOCH + timedelta(days=rng.randrange(0, 365 * 2))
                self._schedule_renewal(PendingRenewal(account, annual, contract_end))
            else:
                self.book_prospects[book.book_number].append(account)

    def _schedule_renewal(self, renewal: PendingRenewal) -> None:
        created = max(renewal.contract_end - timedelta(days=settings.RENEWAL_LEAD_DAYS), settings.EPOCH)
        self.renewals_by_month[created.replace(day=1)].append(renewal)

    # -- opportunities ----------------------------------------------------------------------
    def run_month(self, month: date) -> None:
        month_end = add_months(month, 1) - timedelta(days=1)
        for renewal in sorted(
            self.renewals_by_month.pop(month, []), key=lambda r: (r.contract_end, r.account.number)
        ):
            rng = random.Random(f"{self.seed}:renewal:{renewal.account.number}:{month}")
            created = max(renewal.contract_end - timedelta(days=settings.RENEWAL_LEAD_DAYS), month)
            term = draw_term(rng)
            amount = int(renewal.annual_cents * term / 12 * rng.uniform(0.95, 1.15)) // 10_000 * 10_000
            self.create_opportunity(renewal.account, "Renewal", created, amount, term, renewal.contract_end)
        for book in self.org.books:
            if book.opened > month_end:
                continue
            rng = random.Random(f"{self.seed}:pipeline:{book.book_number}:{month}")
            first_day = max(month, book.opened)
            occupant = book.occupant_on(first_day)
            tenure_days = (first_day - occupant.hire_date).days
            rate = settings.NEW_OPPS_PER_AE_MONTH * (0.5 if tenure_days < 90 else 1.0)
            days = sorted(
                first_day + timedelta(days=rng.randrange(0, (month_end - first_day).days + 1))
                for _ in range(poisson(rng, rate))
            )
            # About 0.7 * 0.6 of the new deals come from leads (new business on a new account).
            self.funnel.unconverted_leads(first_day, book.book_number, occupant.user_id, rate * 0.42)
            for created in days:
                customers = [
                    a
                    for a in self.book_customers[book.book_number]
                    if a.first_won_at is None or a.first_won_at.date() <= created
                ]
                segment = book.segment(self.org.teams)
                from_lead = False
                if customers and rng.random() < 0.3:
                    account, opp_type = rng.choice(customers), "Expansion"
                else:
                    prospects = self.book_prospects[book.book_number]
                    from_lead = not (prospects and rng.random() < 0.4)
                    if from_lead:
                        account = self.new_account(book, created, rng)
                        self.book_prospects[book.book_number].append(account)
                    else:
                        account = rng.choice(prospects)
                    opp_type = "New Business"
                term = draw_term(rng) if opp_type == "New Business" else 12
                amount = draw_amount_cents(rng, segment, opp_type, term)
                self.create_opportunity(account, opp_type, created, amount, term, None, from_lead)

    def create_opportunity(
        self,
        account: AccountState,
        opp_type: str,
        created: date,
        amount_cents: int,
        term_months: int,
        expected_close: date | None,
        from_lead: bool = False,
    ) -> None:
        """A deal and its history; `from_lead` when a lead's conversion created it (and its account)."""
        self.opportunity_count += 1
        number = self.opportunity_count
        book = account.book
        life = simulate(
            number,
            self.seed,
            opp_type,
            account.segment,
            created,
            amount_cents,
            term_months,
            expected_close,
            book,
        )
        rng = random.Random(f"{self.seed}:opp-details:{number}")
        opp_id = sf_id("Opportunity", number)
        owner = book.occupant_on(created)
        state: dict[str, object] = {
            "Id": opp_id,
            "IsDeleted": False,
            "AccountId": account.account_id,
            "Name": f"{account.name} - {opp_type} {created:%Y-%m}",
            "Type": opp_type,
            "LeadSource": None
            if rng.random() < settings.NULL_LEAD_SOURCE_RATE
            else rng.choice(settings.LEAD_SOURCES),
            "NextStep": None if rng.random() < 0.5 else "Follow up call",
            "OwnerId": owner.user_id,
            "CurrencyIsoCode": account.currency,
            "Term_Months__c": term_months,
            "CreatedDate": life.created_at,
            "CreatedById": owner.user_id,
        }
        products = _line_item_shares(rng)
        versions, item_versions = [], []
        history_index = 0
        for event in life.events:
            state.update(event.changes)
            state["LastModifiedDate"] = state["SystemModstamp"] = event.at
            amount = int(state["Amount"])  # type: ignore[call-overload]
            row = dict(
                state, Amount=cents(amount), ExpectedRevenue=cents(amount * int(state["Probability"]) // 100)
            )  # type: ignore[call-overload]
            versions.append((event.at, row))
            if event.logs_history:
                history_index += 1
                self.writer.add(
                    "crm/OpportunityHistory",
                    {
                        "Id": sf_id("OpportunityHistory", number * 64 + history_index),
                        "IsDeleted": False,
                        "OpportunityId": opp_id,
                        "StageName": row["StageName"],
                        "Amount": row["Amount"],
                        "ExpectedRevenue": row["ExpectedRevenue"],
                        "CloseDate": row["CloseDate"],
                        "Probability": row["Probability"],
                        "ForecastCategory": row["ForecastCategoryName"],
                        "CreatedById": state["OwnerId"],
                        "CreatedDate": event.at,
                        "SystemModstamp": event.at,
                    },
                    event.at,
                )
            if "Amount" in event.changes:
                item_versions.append((event.at, amount))
            if event.owner_change:
                history_index += 1
                old, new = event.owner_change
                self.writer.add(
                    "crm/OpportunityFieldHistory",
                    {
                        "Id": sf_id("OpportunityFieldHistory", number * 64 + history_index),
                        "IsDeleted": False,
                        "OpportunityId": opp_id,
                        "Field": "Owner",
                        "DataType": "EntityId",
                        "OldValue": old,
                        "NewValue": new,
                        "CreatedById": new,
                        "CreatedDate": event.at,
                    },
                    event.at,
                )
        self._write_versions("crm/Opportunity", versions, rng)
        line_items = self._write_line_items(number, opp_id, account, products, item_versions, life.created_at)
        self._write_activities(life, opp_id, account, rng)
        lead_source = state["LeadSource"] if isinstance(state["LeadSource"], str) else None
        if from_lead:
            self.funnel.converted_lead(
                number,
                opp_id,
                account.account_id,
                account.contact_ids[0],
                account.name,
                lead_source,
                owner.user_id,
                life.created_at,
            )
        self.funnel.contact_roles(
            number,
            opp_id,
            account.contact_ids,
            account.contact_ids[0] if from_lead else None,
            lead_source,
            life.created_at,
            life.events[-1].at.date(),
        )
        if life.outcome in ("won", "lost"):
            rate = settings.FX_START.get(account.currency, 1.0)
            self.deal_outcomes.append(
                DealOutcome(
                    book.book_number,
                    created,
                    life.closed_on,
                    life.outcome == "won",
                    life.final_amount_cents / 100 * rate,
                )
            )
        elif life.outcome == "open":
            self.deal_outcomes.append(DealOutcome(book.book_number, created, None, False, 0.0))
        if life.outcome == "won" and life.closed_on:
            self._on_won(account, life, opp_id, line_items, rng)

    def _write_versions(self, table: str, versions: list[tuple[datetime, dict]], rng: random.Random) -> None:
        self.writer.add_versions(table, versions, duplicate=rng.random() < settings.DUPLICATE_ROW_RATE)

    def _write_line_items(
        self,
        number: int,
        opp_id: str,
        account: AccountState,
        products: list[tuple[tuple[str, str, str, float], float]],
        item_versions: list[tuple[datetime, int]],
        created_at: datetime,
    ) -> list[tuple[str, str, int]]:
        final: list[tuple[str, str, int]] = []
        for index, ((product_id, code, name, _), _share) in enumerate(products, start=1):
            item_id = sf_id("OpportunityLineItem", number * 8 + index)
            versions = []
            for at, amount in item_versions:
                totals = _apportion(amount, [s for _, s in products])
                row = {
                    "Id": item_id,
                    "IsDeleted": False,
                    "OpportunityId": opp_id,
                    "Product2Id": product_id,
                    "ProductCode": code,
                    "Name": name,
                    "Quantity": 1,
                    "UnitPrice": cents(totals[index - 1]),
                    "TotalPrice": cents(totals[index - 1]),
                    "CurrencyIsoCode": account.currency,
                    "CreatedDate": created_at,
                    "LastModifiedDate": at,
                    "SystemModstamp": at,
                }
                versions.append((at, row))
                if at == item_versions[-1][0]:
                    final.append((code, name, totals[index - 1]))
            self.writer.add_versions("crm/OpportunityLineItem", versions)
        return final

    def _write_activities(
        self, life: OpportunityLife, opp_id: str, account: AccountState, rng: random.Random
    ) -> None:
        start, end = life.created_at.date(), life.events[-1].at.date()
        span = max((end - start).days, 1)
        for kind in ("Task",) * (1 + poisson(rng, 2.0)) + ("Event",) * poisson(rng, 0.8):
            self.activity_count += 1
            day = start + timedelta(days=rng.randrange(0, span + 1))
            at = at_work_hours(day, rng)
            owner = account.book.occupant_on(day).user_id
            row = {
                "Id": sf_id(kind, self.activity_count),
                "IsDeleted": False,
                "WhoId": rng.choice(account.contact_ids),
                "WhatId": opp_id,
                "OwnerId": owner,
                "CreatedDate": at,
                "LastModifiedDate": at,
                "SystemModstamp": at,
                "ActivityDate": day,
            }
            if kind == "Task":
                row.update(
                    Subject=rng.choice(("Call", "Send proposal", "Follow-up email")),
                    Type=rng.choice(("Call", "Email")),
                    Status="Completed",
                    Priority=rng.choice(("Normal", "High")),
                )
                if rng.random() < settings.MISTYPED_TASK_DATE_RATE:
                    row["ActivityDate"] = day.strftime("%d/%m/%Y")
            else:
                minutes = rng.choice((30, 45, 60))
                row.update(
                    Subject=rng.choice(("Discovery meeting", "Demo", "Negotiation")),
                    Type="Meeting",
                    StartDateTime=at,
                    EndDateTime=at + timedelta(minutes=minutes),
                    DurationInMinutes=minutes,
                )
            self.writer.add(f"crm/{kind}", row, at, duplicate=rng.random() < settings.DUPLICATE_ROW_RATE)

    def _on_won(
        self,
        account: AccountState,
        life: OpportunityLife,
        opp_id: str,
        line_items: list[tuple[str, str, int]],
        rng: random.Random,
    ) -> None:
        closed_at = next(e.at for e in life.events if e.changes.get("IsWon"))
        if account.first_won_at is None or closed_at < account.first_won_at:
            account.first_won_at = closed_at
        book_number = account.book.book_number
        if account not in self.book_customers[book_number]:
            self.book_customers[book_number].append(account)
        term = life.term_months
        self._schedule_renewal(
            PendingRenewal(account, life.final_amount_cents * 12 // term, add_months(life.closed_on, term))
        )
        self._write_splits(life, opp_id, account, closed_at, rng)
        bill_won_deal(
            self.writer,
            self.seed,
            opp_id,
            life.number,
            account.customer_id,
            account.currency,
            life.closed_on,
            life.final_amount_cents,
            term,
            line_items,
        )

    def _write_splits(
        self,
        life: OpportunityLife,
        opp_id: str,
        account: AccountState,
        closed_at: datetime,
        rng: random.Random,
    ) -> None:
        """Team-selling deals split revenue 60/40 with a teammate; others carry no split rows."""
        if account.segment != "Enterprise" or rng.random() >= 0.25:
            return
        owner = account.book.occupant_on(life.closed_on)
        team = owner.team_on(life.closed_on)
        teammates = sorted(
            {p.user_id for p in self.org.team_members_on(team, life.closed_on)} - {owner.user_id}
        )
        if not teammates:
            return
        partner = rng.choice(teammates)
        amounts = [e for e in life.events if "Amount" in e.changes]
        for split_index, (user_id, pct) in enumerate(((owner.user_id, 60), (partner, 40)), 1):
            versions = []
            for event in amounts:
                if event.at < closed_at:
                    continue
                amount = int(event.changes["Amount"])
                versions.append((event.at, amount))
            if not versions:
                last_amount = next(
                    int(e.changes["Amount"]) for e in reversed(life.events) if "Amount" in e.changes
                )
                versions = [(closed_at, last_amount)]
            split_versions = [
                (
                    at,
                    {
                        "Id": sf_id("OpportunitySplit", life.number * 4 + split_index),
                        "IsDeleted": False,
                        "OpportunityId": opp_id,
                        "SplitOwnerId": user_id,
                        "SplitTypeName": "Revenue",
                        "SplitPercentage": pct,
                        "SplitAmount": cents(amount * pct // 100),
                        "CurrencyIsoCode": account.currency,
                        "CreatedDate": closed_at,
                        "LastModifiedDate": at,
                        "SystemModstamp": at,
                    },
                )
                for at, amount in versions
            ]
            self.writer.add_versions("crm/OpportunitySplit", split_versions)

    # -- accounts and customers, written once all their events are known ---------------------
    def write_accounts_and_customers(self) -> None:
        for account in self.accounts:
            base = {
                "Id": account.account_id,
                "IsDeleted": False,
                "Name": account.name,
                "Industry": account.industry,
                "BillingCountry": COUNTRIES[account.currency],
                "CurrencyIsoCode": account.currency,
                "NumberOfEmployees": account.employees,
                "Segment__c": account.segment,
                "Website": f"https://www.{account.name.lower().replace(' ', '-')}.example.com",
                "CreatedDate": account.created_at,
            }
            events: list[tuple[datetime, dict]] = [
                (
                    account.created_at,
                    {
                        "Type": "Customer" if account.is_initial_customer else "Prospect",
                        "OwnerId": account.book.occupant_on(account.created_at.date()).user_id,
                    },
                )
            ]
            for day, _, successor in account.book.handovers_between(account.created_at.date(), self.as_of):
                events.append(
                    (
                        datetime.combine(day, datetime.min.time()).replace(hour=7),
                        {"OwnerId": successor.user_id},
                    )
                )
            # Billing knew pre-history customers before the CRM export window; others become
            # customers when their first deal is won.
            became_customer_at = account.created_at if account.is_initial_customer else account.first_won_at
            if account.first_won_at and not account.is_initial_customer:
                events.append((account.first_won_at + timedelta(minutes=5), {"Type": "Customer"}))
            if became_customer_at:
                self.writer.add(
                    "finance/customers",
                    {
                        "customer_id": account.customer_id,
                        "crm_account_id": account.account_id,
                        "customer_name": account.name,
                        "currency": account.currency,
                        "country": COUNTRIES[account.currency],
                        "created_at": became_customer_at,
                        "updated_at": became_customer_at,
                    },
                    became_customer_at,
                )
            events.sort(key=lambda item: item[0])
            state, versions = dict(base), []
            for at, changes in events:
                state.update(changes, LastModifiedDate=at, SystemModstamp=at)
                versions.append((at, dict(state)))
            self._write_versions(
                "crm/Account", versions, random.Random(f"{self.seed}:account-dup:{account.number}")
            )


def _line_item_shares(rng: random.Random) -> list[tuple[tuple[str, str, str, float], float]]:
    count = rng.choice((1, 2, 2, 3, 4))
    chosen = list(settings.PRODUCTS[:count])
    total = sum(p[3] for p in chosen)
    return [(product, product[3] / total) for product in chosen]


def _apportion(amount_cents: int, shares: list[float]) -> list[int]:
    """Split an amount by shares in whole currency units; the first line takes the remainder."""
    parts = [int(amount_cents * share) // 100 * 100 for share in shares]
    parts[0] += amount_cents - sum(parts)
    return parts


def generate(out_dir: Path, seed: int, as_of: date, scale: float) -> dict[str, int]:
    """Write the demo company's files under `out_dir` and return the row count per file family."""
    if as_of < settings.MIN_AS_OF:
        raise ValueError(
            f"as-of {as_of} is too early: the demo history starts {settings.EPOCH} and needs at "
            f"least eight quarters; use an as-of on or after {settings.MIN_AS_OF}."
        )
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-staging-", dir=out_dir.parent))
    try:
        headers = {f"crm/{k}": v for k, v in SOBJECT_FIELDS.items()}
        headers.update({f"finance/{k}": v for k, v in FINANCE_COLUMNS.items()})
        writer = PartitionedCsvWriter(staging, as_of, headers)
        org = build_org(seed, scale, as_of)
        company = DemoCompany(seed, as_of, org, writer, Funnel(seed, writer))
        write_users_and_roles(writer, org)
        write_fx_rates(writer, seed, settings.EPOCH - timedelta(days=31), as_of)
        write_sales_marketing_costs(writer, seed, org, settings.EPOCH, as_of)
        for book in org.books:
            if book.opened < settings.EPOCH:
                company.seed_initial_book(book)
        for month in month_starts(settings.EPOCH, as_of):
            company.run_month(month)
        company.write_accounts_and_customers()
        writer.flush()
        counts = dict(writer.row_counts)
        calls = forecast_call_rows(org, company.deal_outcomes, seed, as_of)
        counts.update(write_plan_files(staging / "plans", org, as_of, calls))
        publish(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


# Written beside the demo's files: the settings and generator code they were made from.
STAMP = ".demo-company.key"


def demo_key(seed: int, as_of: date, scale: float) -> str:
    digest = hashlib.sha256(f"{seed}|{as_of}|{float(scale)}".encode())  # 25 and 25.0 are one demo
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def generate_unless_current(out_dir: Path, seed: int, as_of: date, scale: float) -> bool:
    """Generate the demo unless `out_dir` already holds it, made with these settings by this code
    (a scale-10 demo takes about a minute to write). True when it was generated."""
    stamp = out_dir / STAMP
    key = demo_key(seed, as_of, scale)
    if stamp.exists() and stamp.read_text() == key:
        return False
    stamp.unlink(missing_ok=True)
    generate(out_dir, seed, as_of, scale)
    stamp.write_text(key)
    return True


__all__ = ["generate", "generate_unless_current"]
