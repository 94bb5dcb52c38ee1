"""The demo company's revenue funnel: campaigns, the leads they bring, lead status history,
campaign memberships and the contact roles that tie contacts (and their touches) to deals.

Conversion drives creation: every new-business deal on a new account is the conversion of a lead
(created before it, moved through the statuses, converted the day the deal is created), so the
funnel's converted count equals the deals created from leads. Other leads never convert. Each
record is drawn from its own random stream, so the funnel never changes the rest of the company.

Imperfections, at known rates, as CRMs have them: a converted lead that skipped the contacted
status (`SKIPPED_STATUS_RATE`), touches older than any attribution window (`STALE_TOUCH_RATE`),
campaigns without an actual cost whose spend is only in finance's file (`NO_ACTUAL_COST_RATE`),
and rows exported twice (the company's `DUPLICATE_ROW_RATE`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ingestion.demo_company import settings
from ingestion.demo_company.calendar_utils import add_months, at_work_hours, poisson
from ingestion.demo_company.ids import sf_id
from ingestion.demo_company.writer import PartitionedCsvWriter

# Finance's marketing channels and the Salesforce campaign type of each channel's monthly campaign.
CAMPAIGN_TYPES = {
    "Paid search": "Advertisement",
    "Content": "Email",
    "Webinars": "Webinar",
    "Events": "Conference",
    "Partners": "Partners",
}
# Which channels a lead of each source responds to (weights in CAMPAIGN_TYPES order).
CHANNEL_WEIGHTS = {
    "Web": (5, 3, 2, 1, 0),
    "Outbound": (1, 3, 2, 1, 0),
    "Partner": (1, 1, 1, 1, 5),
    "Event": (1, 1, 2, 5, 0),
    "Referral": (1, 2, 1, 1, 1),
    None: (2, 2, 2, 2, 1),
}
OPEN, WORKING, QUALIFIED = "Open - Not Contacted", "Working - Contacted", "Qualified"
CONVERTED, NOT_CONVERTED = "Closed - Converted", "Closed - Not Converted"
UNCONVERTED_LEADS_PER_CONVERTED = 2.0
SKIPPED_STATUS_RATE = 0.1
STALE_TOUCH_RATE = 0.05
NO_ACTUAL_COST_RATE = 0.2


def campaign_id(month: date, channel_code: int) -> str:
    """The id of a channel's campaign of `month` (channel codes count from 1, as finance's do)."""
    return sf_id("Campaign", (month.year * 12 + month.month) * 8 + channel_code)


def write_campaign(
    writer: PartitionedCsvWriter,
    month: date,
    channel_code: int,
    channel: str,
    currency: str,
    budget: float,
    spend: float,
    rng: random.Random,
) -> None:
    """One channel's campaign of the month, set up on its first day and completed after its last."""
    opened = at_work_hours(month, rng)
    ended = add_months(month, 1) - timedelta(days=1)
    row = {
        "Id": campaign_id(month, channel_code),
        "IsDeleted": False,
        "Name": f"{channel} {month:%Y-%m}",
        "Type": CAMPAIGN_TYPES[channel],
        "Status": "In Progress",
        "StartDate": month,
        "EndDate": ended,
        "BudgetedCost": f"{budget:.2f}",
        "ActualCost": None,
        "CurrencyIsoCode": currency,
        "CreatedDate": opened,
    }
    closed = at_work_hours(ended + timedelta(days=5), rng)
    final = dict(row, Status="Completed")
    if rng.random() >= NO_ACTUAL_COST_RATE:
        final["ActualCost"] = f"{spend:.2f}"
    writer.add_versions(
        "crm/Campaign",
        [
            (opened, dict(row, LastModifiedDate=opened, SystemModstamp=opened)),
            (closed, dict(final, LastModifiedDate=closed, SystemModstamp=closed)),
        ],
    )


@dataclass
class Funnel:
    """Writes the funnel records as the company's deals are created."""

    seed: int
    writer: PartitionedCsvWriter
    lead_count: int = 0
    member_count: int = 0
    role_count: int = 0
    history_count: int = 0
    memberships: set[tuple[str, str]] = field(default_factory=set)  # (campaign, lead or contact)

    # -- leads ---------------------------------------------------------------------------------
    def converted_lead(
        self,
        opportunity_number: int,
        opportunity_id: str,
        account_id: str,
        contact_id: str,
        company: str,
        lead_source: str | None,
        owner_id: str,
        converted_at: datetime,
    ) -> str:
        """The lead whose conversion created this deal; returns its id."""
        rng = random.Random(f"{self.seed}:lead-of:{opportunity_number}")
        # Created in the month of its conversion: the generator writes a month's deals when it
        # reaches that month, and a row dated before must not appear only for later as-of dates.
        day = converted_at.date()
        created = at_work_hours(day - timedelta(days=rng.randrange(0, min(45, day.day - 1) + 1)), rng)
        created = min(created, converted_at - timedelta(minutes=30))
        statuses = [OPEN, QUALIFIED] if rng.random() < SKIPPED_STATUS_RATE else [OPEN, WORKING, QUALIFIED]
        steps = _status_times(created, converted_at, len(statuses), rng)
        lead_id = self._write_lead(
            rng,
            created,
            company,
            lead_source,
            owner_id,
            [*zip(steps, statuses, strict=True), (converted_at, CONVERTED)],
            conversion=(converted_at, account_id, contact_id, opportunity_id),
        )
        for touched in self._touch_days(rng, created.date(), converted_at.date()):
            converts = (converted_at, contact_id)
            self._membership(rng, touched, lead_source, lead_id=lead_id, converts=converts, earliest=created)
        return lead_id

    def unconverted_leads(self, month: date, book_number: int, owner_id: str, expected: float) -> None:
        """The month's leads of one book that never become deals."""
        rng = random.Random(f"{self.seed}:leads:{book_number}:{month}")
        for _ in range(poisson(rng, expected * UNCONVERTED_LEADS_PER_CONVERTED)):
            created = at_work_hours(month + timedelta(days=rng.randrange(0, 28)), rng)
            lead_source = rng.choice(settings.LEAD_SOURCES)
            reached = rng.choices((1, 2, 3), (0.45, 0.35, 0.2))[0]
            statuses = [OPEN, WORKING, QUALIFIED][:reached]
            ends = created + timedelta(days=rng.randrange(20, 90))
            steps = _status_times(created, ends, len(statuses), rng)
            history = [*zip(steps, statuses, strict=True), (ends, NOT_CONVERTED)]
            company = f"Prospect {self.lead_count + 1}"
            lead_id = self._write_lead(rng, created, company, lead_source, owner_id, history)
            for day in self._touch_days(rng, created.date(), ends.date()):
                self._membership(rng, day, lead_source, lead_id=lead_id, earliest=created)

    def _write_lead(
        self,
        rng: random.Random,
        created: datetime,
        company: str,
        lead_source: str | None,
        owner_id: str,
        history: list[tuple[datetime, str]],
        conversion: tuple[datetime, str, str, str] | None = None,
    ) -> str:
        self.lead_count += 1
        lead_id = sf_id("Lead", self.lead_count)
        state: dict[str, object] = {
            "Id": lead_id,
            "IsDeleted": False,
            "FirstName": rng.choice(("Ana", "Ben", "Chen", "Dana", "Eli", "Femi")),
            "LastName": rng.choice(("Garcia", "Ito", "Khan", "Larsen", "Okafor")),
            "Company": company,
            "Email": f"lead.{self.lead_count}@example.com",
            "Phone": None,
            "LeadSource": lead_source,
            "IsConverted": False,
            "OwnerId": owner_id,
            "CurrencyIsoCode": "USD",
            "CreatedDate": created,
        }
        versions = []
        previous = None
        for at, status in history:
            state.update(Status=status, LastModifiedDate=at, SystemModstamp=at)
            if status == CONVERTED and conversion:
                converted_at, account_id, contact_id, opportunity_id = conversion
                state.update(
                    IsConverted=True,
                    ConvertedDate=converted_at.date(),
                    ConvertedAccountId=account_id,
                    ConvertedContactId=contact_id,
                    ConvertedOpportunityId=opportunity_id,
                )
            versions.append((at, dict(state)))
            if previous is not None:
                self.history_count += 1
                self.writer.add(
                    "crm/LeadHistory",
                    {
                        "Id": sf_id("LeadHistory", self.history_count),
                        "IsDeleted": False,
                        "LeadId": lead_id,
                        "Field": "Status",
                        "DataType": "Picklist",
                        "OldValue": previous,
                        "NewValue": status,
                        "CreatedById": owner_id,
                        "CreatedDate": at,
                    },
                    at,
                )
            previous = status
        self.writer.add_versions("crm/Lead", versions, duplicate=rng.random() < settings.DUPLICATE_ROW_RATE)
        return lead_id

    # -- campaign touches ------------------------------------------------------------------------
    def _touch_days(self, rng: random.Random, first: date, last: date) -> list[date]:
        """Days a lead answered a campaign: often the day it was created (the campaign brought
        it), then while it was worked; a few long before (an old list, imported with the lead),
        outside any attribution window."""
        days = []
        for index in range(rng.choice((0, 1, 1, 2, 2, 3))):
            if rng.random() < STALE_TOUCH_RATE:
                days.append(first - timedelta(days=rng.randrange(200, 400)))
            elif index == 0 and rng.random() < 0.6:
                days.append(first)
            else:
                days.append(first + timedelta(days=rng.randrange(0, max((last - first).days, 0) + 1)))
        return sorted(d for d in days if d >= settings.EPOCH)

    def _membership(
        self,
        rng: random.Random,
        day: date,
        lead_source: str | None,
        lead_id: str | None = None,
        contact_id: str | None = None,
        converts: tuple[datetime, str] | None = None,
        responded: bool = True,
        earliest: datetime | None = None,
    ) -> None:
        """A campaign membership, answered on `day`; a lead's gains its contact when it converts.
        An answer from before `earliest` (an old event's attendee list) is recorded then."""
        channel_code = rng.choices(range(1, 6), CHANNEL_WEIGHTS.get(lead_source, CHANNEL_WEIGHTS[None]))[0]
        campaign = campaign_id(day.replace(day=1), channel_code)
        member_key = (campaign, lead_id or contact_id or "")
        if member_key in self.memberships:
            return
        self.memberships.add(member_key)
        if converts:
            self.memberships.add((campaign, converts[1]))
        self.member_count += 1
        at = at_work_hours(day, rng)
        if earliest and at < earliest:
            at = earliest + timedelta(minutes=5)
        row = {
            "Id": sf_id("CampaignMember", self.member_count),
            "IsDeleted": False,
            "CampaignId": campaign,
            "LeadId": lead_id,
            "ContactId": contact_id,
            "Status": "Responded" if responded else "Sent",
            "HasResponded": responded,
            "FirstRespondedDate": day if responded else None,
            "CreatedDate": at,
            "LastModifiedDate": at,
            "SystemModstamp": at,
        }
        versions = [(at, row)]
        if converts:
            converted_at, converted_contact = converts
            converted = dict(row, ContactId=converted_contact)
            converted.update(LastModifiedDate=converted_at, SystemModstamp=converted_at)
            versions.append((converted_at, converted))
        self.writer.add_versions("crm/CampaignMember", versions)

    # -- contacts on deals ---------------------------------------------------------------------
    def contact_roles(
        self,
        opportunity_number: int,
        opportunity_id: str,
        contact_ids: list[str],
        primary_id: str | None,
        lead_source: str | None,
        created_at: datetime,
        last_day: date,
    ) -> None:
        """The deal's contacts (the primary first); contacts of existing accounts sometimes answer
        campaigns while the deal is open, which attribution counts as touches."""
        rng = random.Random(f"{self.seed}:contact-roles:{opportunity_number}")
        primary = primary_id or rng.choice(contact_ids)
        others = [c for c in contact_ids if c != primary]
        chosen = [primary, *rng.sample(others, min(len(others), rng.choice((0, 0, 1, 2))))]
        for index, contact in enumerate(chosen):
            self.role_count += 1
            at = created_at + timedelta(minutes=10 + index)
            self.writer.add(
                "crm/OpportunityContactRole",
                {
                    "Id": sf_id("OpportunityContactRole", self.role_count),
                    "IsDeleted": False,
                    "OpportunityId": opportunity_id,
                    "ContactId": contact,
                    "Role": "Decision Maker" if index == 0 else rng.choice(("Evaluator", "Economic Buyer")),
                    "IsPrimary": index == 0,
                    "CreatedDate": at,
                    "LastModifiedDate": at,
                    "SystemModstamp": at,
                },
                at,
            )
            if rng.random() < 0.3:
                span = max((last_day - created_at.date()).days, 0)
                day = created_at.date() + timedelta(days=rng.randrange(0, span + 1))
                self._membership(rng, day, lead_source, contact_id=contact, responded=rng.random() < 0.7)


def _status_times(start: datetime, end: datetime, count: int, rng: random.Random) -> list[datetime]:
    """`count` ordered times from `start` (the first) to before `end`."""
    span = max((end - start).total_seconds(), 60.0)
    offsets = sorted(rng.uniform(0.05, 0.95) * span for _ in range(count - 1))
    return [start, *(start + timedelta(seconds=o) for o in offsets)]
