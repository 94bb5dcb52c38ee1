"""User and UserRole exports: the role hierarchy and every person's hire, team moves and exit."""

from __future__ import annotations

from datetime import date, datetime, time

from ingestion.demo_company.ids import sf_id
from ingestion.demo_company.org import ORG_CREATED, Org, Person
from ingestion.demo_company.writer import PartitionedCsvWriter

ROLE_STAMP = datetime.combine(ORG_CREATED, time(6))
TITLES = {
    "cro": "Chief Revenue Officer",
    "rvp": "Regional Vice President",
    "manager": "Sales Manager",
    "ae": "Account Executive",
}
CRO_ROLE, FIRST_RVP_ROLE = 1, 2


def _role_row(number: int, name: str, parent: int | None) -> dict[str, object]:
    return {
        "Id": sf_id("UserRole", number),
        "Name": name,
        "DeveloperName": name.replace(" ", "_").replace("-", "_"),
        "ParentRoleId": sf_id("UserRole", parent) if parent else None,
        "RollupDescription": name,
        "LastModifiedDate": ROLE_STAMP,
        "SystemModstamp": ROLE_STAMP,
    }


def write_users_and_roles(writer: PartitionedCsvWriter, org: Org) -> None:
    rvp_role = {region: FIRST_RVP_ROLE + i for i, region in enumerate(sorted(org.region_rvp))}
    writer.add("crm/UserRole", _role_row(CRO_ROLE, "Chief Revenue Officer", None), ROLE_STAMP)
    for region, number in rvp_role.items():
        writer.add("crm/UserRole", _role_row(number, f"RVP {region}", CRO_ROLE), ROLE_STAMP)
    for team in org.teams.values():
        writer.add(
            "crm/UserRole",
            _role_row(team.role_number, f"Manager - {team.name}", rvp_role[team.region]),
            ROLE_STAMP,
        )
        writer.add(
            "crm/UserRole", _role_row(team.role_number + 1, f"AE - {team.name}", team.role_number), ROLE_STAMP
        )

    cro = org.leaders[0]

    def role_and_manager(person: Person, day: date) -> tuple[int, str | None]:
        if person.role == "cro":
            return CRO_ROLE, None
        if person.role == "rvp":
            return rvp_role[person.region], cro.user_id
        team = org.teams[person.team_on(day)]
        if person.role == "manager":
            return team.role_number, org.region_rvp[team.region].user_id
        return team.role_number + 1, team.manager.user_id if team.manager else None

    for person in org.people():
        hired_at = datetime.combine(person.hire_date, time(7))
        changes: list[tuple[datetime, dict[str, object]]] = [(hired_at, {})]
        for moved_on, _ in person.teams[1:]:
            changes.append((datetime.combine(moved_on, time(7)), {}))
        if person.leave_date:
            changes.append(
                (
                    datetime.combine(person.leave_date, time(7)),
                    {"IsActive": False, "Termination_Date__c": person.leave_date},
                )
            )
        versions = []
        for at, extra in changes:
            role, manager_id = role_and_manager(person, at.date())
            row = {
                "Id": person.user_id,
                "Username": f"{person.first_name}.{person.last_name}.{person.user_number}"
                "@demo-saas.example".lower(),
                "FirstName": person.first_name,
                "LastName": person.last_name,
                "Name": f"{person.first_name} {person.last_name}",
                "Email": f"{person.first_name}.{person.last_name}.{person.user_number}"
                "@demo-saas.example".lower(),
                "Title": TITLES[person.role],
                "UserRoleId": sf_id("UserRole", role),
                "ManagerId": manager_id,
                "IsActive": True,
                "DefaultCurrencyIsoCode": "USD",
                "TimeZoneSidKey": "America/New_York",
                "Hire_Date__c": person.hire_date,
                "Termination_Date__c": None,
                "CreatedDate": hired_at,
                "LastModifiedDate": at,
                "SystemModstamp": at,
                **extra,
            }
            versions.append((at, row))
        writer.add_versions("crm/User", versions)
