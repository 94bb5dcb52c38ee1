"""The sales org: regions, teams, managers and account executives with their tenure over time.

Every account executive sits in a *book* (a seat that owns accounts). When an AE leaves, the next
occupant of the book takes over its accounts and open opportunities on that day, starting as a
ramping new hire. Each book draws from its own random stream, so the org up to any day is the same
whatever the as-of date.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from ingestion.demo_company import settings
from ingestion.demo_company.ids import sf_id

FIRST_NAMES = (
    "Ava",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Isla",
    "Jonas",
    "Keiko",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Rafael",
    "Sofia",
    "Tom",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zoe",
)
LAST_NAMES = (
    "Adams",
    "Berg",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Meyer",
    "Nakamura",
    "Okafor",
    "Patel",
    "Rossi",
    "Silva",
    "Taylor",
    "Ueda",
    "Varga",
    "Walsh",
    "Young",
    "Zhang",
)
ORG_CREATED = date(2021, 6, 1)


@dataclass(slots=True)
class Person:
    user_number: int
    role: str  # cro | rvp | manager | ae
    first_name: str
    last_name: str
    hire_date: date
    leave_date: date | None = None
    # (from_date, team_id) changes; managers and AEs only
    teams: list[tuple[date, str]] = field(default_factory=list)
    region: str = ""

    @property
    def user_id(self) -> str:
        return sf_id("User", self.user_number)

    def team_on(self, day: date) -> str:
        return self.teams[max(bisect_right(self.teams, day, key=lambda t: t[0]) - 1, 0)][1]


@dataclass(slots=True)
class Team:
    team_id: str
    name: str
    region: str
    segment: str
    territory_id: str
    role_number: int
    manager: Person | None = None


@dataclass(slots=True)
class Book:
    """A seat owning accounts; `occupants` follow each other without gaps."""

    book_number: int
    opened: date
    team_id: str
    occupants: list[Person] = field(default_factory=list)

    def occupant_on(self, day: date) -> Person:
        return self.occupants[max(bisect_right(self.occupants, day, key=lambda p: p.hire_date) - 1, 0)]

    def handovers_between(self, start: date, end: date) -> list[tuple[date, Person, Person]]:
        """(day, leaver, successor) for each change of occupant after `start`, up to `end`."""
        return [
            (new.hire_date, old, new)
            for old, new in zip(self.occupants, self.occupants[1:], strict=False)
            if start < new.hire_date <= end
        ]

    def segment(self, teams: dict[str, Team]) -> str:
        return teams[self.team_id].segment


@dataclass(slots=True)
class Org:
    teams: dict[str, Team]
    books: list[Book]
    leaders: list[Person]  # cro and rvps
    region_rvp: dict[str, Person]
    _books_by_team: dict[str, list[Book]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        # Team moves stay inside a book's history, so index every team a book was ever in.
        for book in self.books:
            for team_id in {team for person in book.occupants for _, team in person.teams}:
                self._books_by_team.setdefault(team_id, []).append(book)

    def team_members_on(self, team_id: str, day: date) -> list[Person]:
        """Account executives in `team_id` on `day`, in book order."""
        members = []
        for book in self._books_by_team.get(team_id, []):
            if book.opened <= day:
                person = book.occupant_on(day)
                if person.team_on(day) == team_id:
                    members.append(person)
        return members

    def people(self) -> list[Person]:
        managers = [t.manager for t in self.teams.values() if t.manager]
        aes = [p for b in self.books for p in b.occupants]
        return [*self.leaders, *managers, *aes]


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def build_org(seed: int, scale: float, horizon: date) -> Org:
    """Build the org up to `horizon` (the as-of date); earlier days never depend on it."""
    rng = random.Random(f"{seed}:org")
    cro = Person(1, "cro", *_name(rng), hire_date=ORG_CREATED)
    leaders, region_rvp, teams = [cro], {}, {}
    books: list[Book] = []
    user_number = 2
    team_role_number = 10
    for region_index, (region, (base_teams, _)) in enumerate(settings.REGIONS.items()):
        rvp = Person(user_number, "rvp", *_name(rng), hire_date=ORG_CREATED, region=region)
        user_number += 1
        leaders.append(rvp)
        region_rvp[region] = rvp
        n_teams = max(1, round(base_teams * scale))
        n_seats = max(2, round(settings.AES_PER_TEAM * base_teams * scale))
        region_teams = []
        for index in range(n_teams):
            # Offset by region so even the smallest scale has every segment somewhere.
            segment = settings.SEGMENTS[(region_index + index) % len(settings.SEGMENTS)]
            number = index // len(settings.SEGMENTS) + 1
            team_id = f"TEAM-{region}-{index + 1:03d}"
            team = Team(
                team_id,
                f"{region} {segment} {number}",
                region,
                segment,
                f"TERR-{region}-{index + 1:03d}",
                team_role_number,
            )
            team_role_number += 2
            team.manager = Person(
                user_number,
                "manager",
                *_name(rng),
                hire_date=ORG_CREATED,
                teams=[(ORG_CREATED, team_id)],
                region=region,
            )
            user_number += 1
            teams[team_id] = team
            region_teams.append(team)
        for seat in range(n_seats):
            team = region_teams[seat % n_teams]
            books.append(Book(len(books) + 1, ORG_CREATED, team.team_id))
        # Growth seats open during the history (new hires who start ramping).
        for _ in range(max(1, round(n_seats * 0.3))):
            team = rng.choice(region_teams)
            opened = settings.EPOCH + timedelta(days=rng.randrange(0, 4 * 365))
            books.append(Book(len(books) + 1, opened, team.team_id))
    for book in books:
        _staff_book(seed, book, teams, horizon)
    # Seats that open after the horizon have nobody in them yet.
    org = Org(teams, [b for b in books if b.occupants], leaders, region_rvp)
    _make_names_unique(org.people())
    return org


def _make_names_unique(people: list[Person]) -> None:
    """Two people never share a display name (a real CRM's users rarely do, and a report listing
    two "Chloe Young" helps nobody): a repeated name gets a middle initial, chosen from the user
    number, so no random draw (and nothing else in the demo) changes."""
    taken: set[tuple[str, str]] = set()
    for person in sorted(people, key=lambda p: p.user_number):
        name = (person.first_name, person.last_name)
        for step in range(26 * 26):
            if name not in taken:
                break
            letter = chr(ord("A") + (person.user_number + step) % 26)
            suffix = "" if step < 26 else chr(ord("A") + step // 26 - 1)
            name = (f"{person.first_name} {letter}{suffix}.", person.last_name)
        person.first_name = name[0]
        taken.add(name)


def _staff_book(seed: int, book: Book, teams: dict[str, Team], horizon: date) -> None:
    rng = random.Random(f"{seed}:book:{book.book_number}")
    region = teams[book.team_id].region
    region_team_ids = sorted(t for t, team in teams.items() if team.region == region)
    team_id = book.team_id
    if book.opened == ORG_CREATED:
        hire = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 640))
    else:
        hire = book.opened
    occupant_index = 0
    while hire <= horizon:
        person = Person(
            100_000 + book.book_number * 1_000 + occupant_index,
            "ae",
            *_name(rng),
            hire_date=hire,
            teams=[(hire, team_id)],
            region=region,
        )
        tenure = timedelta(days=1 + int(rng.expovariate(settings.ANNUAL_ATTRITION / 365)))
        move_draw, move_day, move_team = rng.random(), rng.random(), rng.choice(region_team_ids)
        leave = hire + tenure
        if move_draw < settings.TEAM_MOVE_RATE and move_team != team_id and tenure.days > 120:
            moved = max(hire + timedelta(days=60), settings.EPOCH) + timedelta(
                days=int(move_day * (tenure.days - 60))
            )
            if moved < leave:
                person.teams.append((moved, move_team))
                team_id = move_team
        book.occupants.append(person)
        person.leave_date = leave
        hire = leave
        occupant_index += 1
    if book.occupants:
        book.team_id = book.occupants[0].teams[0][1]
