"""Salesforce-style 18-character ids that depend only on what they identify, never on as-of."""

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Salesforce key prefixes of the objects the demo writes.
PREFIX = {
    "User": "005",
    "UserRole": "00E",
    "Account": "001",
    "Contact": "003",
    "Opportunity": "006",
    "OpportunityHistory": "008",
    "OpportunityFieldHistory": "017",
    "OpportunityLineItem": "00k",
    "OpportunitySplit": "149",
    "Task": "00T",
    "Event": "00U",
    "Lead": "00Q",
    "LeadHistory": "017",
    "Campaign": "701",
    "CampaignMember": "00v",
    "OpportunityContactRole": "00K",
}


def sf_id(sobject: str, number: int) -> str:
    """Return an 18-character id for the `number`-th record of `sobject`."""
    digits = []
    for _ in range(12):
        number, rest = divmod(number, 62)
        digits.append(_ALPHABET[rest])
    return PREFIX[sobject] + "".join(reversed(digits)) + "AAA"
