"""Reading real correspondence: people and their sides, commitments and requests, concerns, in the phrasing
people actually use (the issue's own examples, and the kinds of sentences data/training labels)."""

from __future__ import annotations

import datetime as dt

import pytest

from relbot.analysis.commissives import commissive, soon_due
from relbot.analysis.people import people
from relbot.analysis.requests import request
from relbot.analysis.sentiment import concern_cue
from relbot.analysis.text import unwrap
from relbot.models import Account, Record, SourceKind


def _mail(n: int, author: str | None, text: str, *, address: str | None = None, to: tuple[str, ...] = (),
          day: int = 1) -> Record:
    return Record(id=f"r{n}", account="Client Co", kind=SourceKind.EMAIL, source=f"m{n}.eml", position=0,
                  text=text, date=dt.date(2026, 3, day), author=author, author_address=address, participants=to)


def test_variants_of_one_person_merge_and_sides_come_from_domains_never_guesses() -> None:
    records = [
        _mail(1, "Ben Okafor", "Hello", address="ben.okafor@client.com", to=("Maya Chen <maya@agency.com>",)),
        _mail(2, "Okafor", "Following up", day=2, to=("Okafor, Ben",)),
        _mail(3, None, "Quick note", address="bokafor@client.com", day=3),
        _mail(4, "Rita Vogel", "Hi all", address="rita@lawfirm.com", day=4, to=("Jo Park <jo@client.com>",)),
        _mail(5, "Sam Ortega", "Ours", address="sam@agency.com", day=5),
    ]
    found = people(records, Account(name="Client Co", domains=["client.com"]), ["agency.com"])
    assert {n: p.side for n, p in found.by_name.items()} == {
        "Ben Okafor": "client", "Maya Chen": "agency", "Rita Vogel": "unknown", "Jo Park": "client",
        "Sam Ortega": "agency",
    }
    ben = found.by_name["Ben Okafor"]
    assert ben.addresses == {"ben.okafor@client.com", "bokafor@client.com"}
    assert ben.last_seen == dt.date(2026, 3, 3)
    assert found.resolve("Okafor") == "Ben Okafor" and found.resolve("Okafor, Ben") == "Ben Okafor"


def test_without_configured_domains_sides_spread_from_the_registry_to_colleagues_at_one_domain() -> None:
    records = [_mail(1, "Maya Chen", "Hi", address="maya@agency.example", to=(
        "Rachel Adeyemi <rachel@client.example>", "Jonah Price <jonah@client.example>", "Kim <kim@gmail.com>",
        "Ben Okafor <ben@agency.example>"))]
    account = Account(name="Client Co", account_manager="Maya Chen", client_contact="Rachel Adeyemi")
    sides = {n: p.side for n, p in people(records, account).by_name.items()}
    assert sides == {"Maya Chen": "agency", "Rachel Adeyemi": "client", "Jonah Price": "client",
                     "Kim": "unknown", "Ben Okafor": "agency"}


def test_exchange_directory_entries_are_the_exporting_organisations_own_people() -> None:
    records = [_mail(1, "Stephanie Panus", "Hi", address="/O=AGENCY/OU=NA/CN=RECIPIENTS/CN=Spanus")]
    assert people(records, Account(name="Client Co")).side("Stephanie Panus") == "agency"


@pytest.mark.parametrize("text, who, due_in_days", [
    ("I'll get the revised figures over to you once finance signs off.", "I", None),
    ("You'll have the redline by end of day.", "You", 0),
    ("If this looks ok, please let me know and we'll finalize and file it today.", "we", 0),
    ("I'm also sending a copy to Steve and Frank.", "I", None),
    ("Lets plan on 10:00 tomorrow.", "Lets", 1),
    ("Hard copies of the agreements will be faxed to you today.", "I", 0),
    ("Let me know if you have any changes and we will forward executed copies.", "we", None),
    ("Ann will file it electronically and send you the receipts.", "Ann", None),
])
def test_commitments_in_real_phrasing(text: str, who: str, due_in_days: int | None) -> None:
    found = commissive(text)
    assert found is not None and found.who == who and not found.hedged
    day = dt.date(2026, 3, 2)
    assert soon_due(text, day) == (day + dt.timedelta(days=due_in_days) if due_in_days is not None else None)


@pytest.mark.parametrize("text", [
    "Can you send me the draft?",  # a question asks
    "We will not accept a 90-day term.",  # a refusal
    "I will be out of the office on Friday.",  # a state
    "We will need to get that approved by Credit.",  # an obligation
    "I'd rather give you a date we will hit than another optimistic one.",  # a relative clause
    "This e-mail is confidential and the sender will not be liable for its contents.",  # boilerplate
    "It will most likely go in front of the judge on Monday.",  # not a person
])
def test_not_commitments(text: str) -> None:
    assert commissive(text) is None


@pytest.mark.parametrize("text", ["I will try to get a call set up.", "Hopefully we'll send it on Monday.",
                                  "I think we could wind this up with a call."])
def test_hedged_promises_are_marked_hedged_or_left_out(text: str) -> None:
    found = commissive(text)
    assert found is None or found.hedged


def test_requests_that_hand_over_a_deliverable_name_the_addressee_and_closings_do_not_count() -> None:
    asked = request("Tanya: can you prepare a draft guaranty and ask for a cap.")
    assert asked is not None and asked.addressee == "Tanya" and asked.what.startswith("prepare a draft guaranty")
    assert request("You will need to verify with London that the agreement exists.") is not None
    assert request("Let me know if you have any questions.") is None
    assert request("Please let me know what you think.") is None


@pytest.mark.parametrize("text", [
    "We can't live with a 90-day payment term.",
    "However, Superior does not think this allocation is correct.",
    "Their demands may make a settlement impossible.",
    "The CPUC claims that TW used market-based rates without authority.",
    "Richardson Products has not paid their invoice.",
    "A $250,000 threshold is a very large number.",
])
def test_concerns_in_real_phrasing(text: str) -> None:
    assert concern_cue(text) is not None


@pytest.mark.parametrize("text", [
    "Please advise if there are any problems, questions or concerns.",
    "Here are the documents concerning the bids.",
    "Is the amount related to interest on overdue payment?",
    "We are not worried about the timeline.",
])
def test_not_concerns(text: str) -> None:
    assert concern_cue(text) is None


def test_hard_wrapped_mail_is_read_as_paragraphs() -> None:
    text = ("Please find attached our form of notice and amendment to the ISDA agreement\n"
            "between MEGA and Enron North America. Let me know if you have any\nchanges.\n\nThanks,\nSterling")
    assert unwrap(text) == [
        "Please find attached our form of notice and amendment to the ISDA agreement between MEGA and Enron "
        "North America. Let me know if you have any changes.", "", "Thanks,", "Sterling"]


def test_a_signature_gives_the_writers_title_and_company() -> None:
    from relbot.analysis.signatures import signature_role

    signed = _mail(1, "Stephanie Panus", "See attached.\n\nStephanie Panus\nSenior Legal Specialist\n"
                   "Enron North America Corp.\n1400 Smith Street\nph: 713.345.3249")
    assert signature_role(signed) == "Senior Legal Specialist, Enron North America Corp."
    unsigned = _mail(2, "Stephanie Panus", "Thanks.\n\nStephanie\nph: 713.345.3249")
    assert signature_role(unsigned) is None


def test_a_person_the_mail_introduces_by_role_is_a_contact_of_unknown_side() -> None:
    from relbot.analysis.contacts import roles

    records = [_mail(1, "Frank Kelly", "I just received a voice mail from Kathy Edwards, attorney for Indicated "
                     "Shippers. She said her clients will not carve out the two issues.", address="fk@lawfirm.com")]
    found = people(records, Account(name="Client Co", domains=["lawfirm.com"]), ["agency.com"])
    assert found.side("Kathy Edwards") == "unknown" and found.side("Frank Kelly") == "client"
    assert roles(records, found)["Kathy Edwards"] == "attorney for Indicated Shippers"
