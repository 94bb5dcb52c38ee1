"""Export files: declared columns are typed; bad rows are kept aside with a reason, not lost."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from ingestion.contracts import split_typed_and_rejected
from ingestion.export_files.reader import read_text_table
from ingestion.salesforce.objects import CRM_TABLES

OPPORTUNITY = next(spec for spec in CRM_TABLES if spec.name == "opportunity")
CSV = (
    "Id,AccountId,StageName,Amount,CloseDate,OwnerId,IsWon,SystemModstamp,Brand_New__c\n"
    "006A,001A,Closed Won,1200.50,2025-03-31,005A,true,2025-03-31T10:00:00.000Z,x\n"
    "006B,001A,Prospecting,twelve,2025-04-30,005A,false,2025-03-31T10:00:00.000Z,y\n"
    ",001A,Prospecting,10.00,2025-04-30,005A,false,2025-03-31T10:00:00.000Z,z\n"
)


def test_bad_values_and_missing_required_fields_are_rejected_with_reasons() -> None:
    text = read_text_table(io.BytesIO(CSV.encode()))
    typed, rejected = split_typed_and_rejected(text, OPPORTUNITY, "Opportunity/2025-03.csv")
    assert typed.num_rows == 1
    assert typed["Amount"].to_pylist() == [Decimal("1200.50")]
    assert typed["IsWon"].to_pylist() == [True]
    # An undeclared column still loads (as text): the table evolves.
    assert typed["Brand_New__c"].to_pylist() == ["x"]
    assert rejected.num_rows == 2
    reasons = dict(
        zip(rejected["_source_line"].to_pylist(), rejected["_rejected_reason"].to_pylist(), strict=True)
    )
    assert reasons == {3: "Amount='twelve' is not a valid decimal128(18, 2)", 4: "Id is required but empty"}
    assert set(rejected["_source_file"].to_pylist()) == {"Opportunity/2025-03.csv"}
    # The rejected row is kept whole, as text.
    assert rejected["Amount"].to_pylist() == ["twelve", "10.00"]


def test_a_file_without_a_required_column_fails_naming_the_file_and_column() -> None:
    text = read_text_table(io.BytesIO(b"Id,Name\n006A,Deal\n"))
    with pytest.raises(ValueError, match=r"Opportunity/bad.csv: required column 'AccountId'"):
        split_typed_and_rejected(text, OPPORTUNITY, "Opportunity/bad.csv")


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_jsonl_and_parquet_exports_meet_the_same_contract(suffix: str) -> None:
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [
        {
            "Id": "006A",
            "AccountId": "001A",
            "StageName": "Closed Won",
            "Amount": 1200.5,
            "CloseDate": "2025-03-31",
            "OwnerId": "005A",
            "IsWon": True,
            "SystemModstamp": "2025-03-31T10:00:00.000Z",
        },
        {
            "Id": "006B",
            "AccountId": "001A",
            "StageName": "Prospecting",
            "Amount": "twelve",
            "CloseDate": "2025-04-30",
            "OwnerId": "005A",
            "IsWon": False,
            "SystemModstamp": "2025-03-31T10:00:00.000Z",
        },
    ]
    if suffix == ".jsonl":
        data = "\n".join(json.dumps(row) for row in rows).encode()
    else:
        buffer = io.BytesIO()
        as_text = [
            {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in row.items()} for row in rows
        ]
        pq.write_table(pa.Table.from_pylist(as_text), buffer)
        data = buffer.getvalue()
    text = read_text_table(io.BytesIO(data), f"Opportunity/2025-03{suffix}")
    typed, rejected = split_typed_and_rejected(text, OPPORTUNITY, f"Opportunity/2025-03{suffix}")
    assert typed["Amount"].to_pylist() == [Decimal("1200.50")]
    assert typed["IsWon"].to_pylist() == [True]
    assert rejected["Id"].to_pylist() == ["006B"]
    assert rejected["_rejected_reason"].to_pylist() == ["Amount='twelve' is not a valid decimal128(18, 2)"]
