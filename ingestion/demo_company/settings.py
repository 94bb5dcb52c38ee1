"""Constants that shape the demo company. Change them here, not in the generator code."""

from datetime import date

# The company's history starts here whatever the as-of date; the as-of date only cuts it.
EPOCH = date(2024, 1, 1)
# At least eight full quarters must lie between EPOCH and the as-of date.
MIN_AS_OF = date(2026, 1, 1)

REPORTING_CURRENCY = "USD"
# Starting USD value of one unit of each currency; rates then walk daily from the seed.
FX_START = {"EUR": 1.09, "GBP": 1.27, "AUD": 0.66}
FX_DAILY_VOLATILITY = 0.004

# region -> (teams at scale 1, account currencies with weights)
REGIONS = {
    "NA": (3, {"USD": 1.0}),
    "EMEA": (2, {"EUR": 0.6, "GBP": 0.4}),
    "APAC": (1, {"AUD": 0.5, "USD": 0.5}),
}
SEGMENTS = ("Enterprise", "Mid-Market", "SMB")
AES_PER_TEAM = 6
# Annual quota (USD) and typical first-year deal size (USD) per segment.
ANNUAL_QUOTA = {"Enterprise": 1_200_000, "Mid-Market": 800_000, "SMB": 480_000}
DEAL_SIZE = {"Enterprise": 40_000, "Mid-Market": 16_000, "SMB": 7_000}
# New opportunities per AE per month, and stage-time multiplier per segment.
NEW_OPPS_PER_AE_MONTH = 6.0
CYCLE_FACTOR = {"Enterprise": 1.6, "Mid-Market": 1.0, "SMB": 0.6}
# Monthly quota ramp for new hires by month of tenure (then 100 %).
RAMP = (0.0, 0.25, 0.5, 0.75)
ANNUAL_ATTRITION = 0.18
TEAM_MOVE_RATE = 0.05

# Salesforce-default-like stages: name, probability %, forecast category.
OPEN_STAGES = (
    ("Prospecting", 10, "Pipeline"),
    ("Qualification", 20, "Pipeline"),
    ("Needs Analysis", 40, "Best Case"),
    ("Proposal/Price Quote", 60, "Best Case"),
    ("Negotiation/Review", 80, "Commit"),
)
WON_STAGE = ("Closed Won", 100, "Closed")
LOST_STAGE = ("Closed Lost", 0, "Omitted")
# Probability of advancing out of each open stage (otherwise lost), per deal type.
ADVANCE_RATE = {
    "New Business": (0.72, 0.70, 0.66, 0.66, 0.78),
    "Expansion": (0.85, 0.80, 0.75, 0.75, 0.85),
    "Renewal": (0.97, 0.97, 0.95, 0.93, 0.95),
}
FIRST_STAGE = {"New Business": 0, "Expansion": 1, "Renewal": 3}
MEAN_DAYS_IN_STAGE = (12, 16, 20, 18, 14)
TERM_MONTHS = ((12, 0.6), (24, 0.25), (36, 0.15))
RENEWAL_LEAD_DAYS = 90

PRODUCTS = (
    ("01t000000000001AAA", "PLAT", "Platform Subscription", 0.70),
    ("01t000000000002AAA", "ANLT", "Analytics Add-on", 0.15),
    ("01t000000000003AAA", "SUPP", "Premium Support", 0.10),
    ("01t000000000004AAA", "IMPL", "Implementation Services", 0.05),
)
INDUSTRIES = (
    "Software",
    "Financial Services",
    "Healthcare",
    "Retail",
    "Manufacturing",
    "Media",
    "Education",
    "Logistics",
)
LEAD_SOURCES = ("Web", "Outbound", "Partner", "Event", "Referral")

# Imperfections, at known small rates.
DUPLICATE_ROW_RATE = 0.005  # a row exported again in the next month's file
DELETED_OPPORTUNITY_RATE = 0.01
LATE_CORRECTION_RATE = 0.02  # won deal amount corrected days after close
NULL_PHONE_RATE = 0.3
NULL_INDUSTRY_RATE = 0.1
NULL_LEAD_SOURCE_RATE = 0.15
MISTYPED_TASK_DATE_RATE = 0.003  # a due date typed day-first by hand: the load must reject it

# Finance behaviour per invoice.
PAYMENT_BEHAVIOUR = (
    ("on_time", 0.80),
    ("late", 0.09),
    ("partial", 0.06),
    ("written_off", 0.03),
    ("unpaid", 0.02),
)
REFUND_IN_WINDOW_RATE = 0.015
REFUND_OUT_OF_WINDOW_RATE = 0.01
CLAWBACK_WINDOW_DAYS = 90
