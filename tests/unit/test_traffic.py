"""Traffic exports from Google Analytics (GA4 and Universal Analytics, English and Dutch)."""
# ruff: noqa: E501

from __future__ import annotations

import pytest

from klantreis.analytics.sample import traffic_export
from klantreis.analytics.traffic import read_traffic
from klantreis.domain import ImportFailed, KlantreisError
from klantreis.i18n import LANGUAGES, Language

GA4_EN = b"""# ----------------------------------------
# Traffic acquisition: Session source / medium
# Account: Demo Account
# Property: GA4 - Merchandise Store
# ----------------------------------------
#
# All Users
# Start date: 20260101
# End date: 20260131
Session source / medium,Sessions,Engaged sessions,Engagement rate,Average engagement time per session,Events per session,Event count,Key events,Session key event rate,Total revenue
google / organic,12034,8123,0.6750041548944657,52.8,11.3,136000,310,0.0101,4530.25
(direct) / (none),9876,5432,0.55,40.1,9.8,96000,150.5,0.0099,2100
newsletter / email,1200,900,0.75,61,12,14000,40,0.03,800
Grand total,23110,14455,0.62,48,10.8,246000,500.5,0.01,7430.25
"""

GA4_NL = b"""# ----------------------------------------
# Verkeersacquisitie: Bron/medium van sessie
# Account: Voorbeeldaccount
# Property: Voorbeeldwinkel
# ----------------------------------------
#
# Alle gebruikers
# Begindatum: 20260101
# Einddatum: 20260131
Bron/medium van sessie,Sessies,Betrokken sessies,Betrokkenheidspercentage,Belangrijke gebeurtenissen,Totaal aantal gebruikers
google / organic,12034,8123,"0,675","310,5",10000
(direct) / (none),9876,5432,"0,55",150,8000
Totaal,21910,13555,"0,62","460,5",18000
"""

UA_EN = b"""# ----------------------------------------
# All Web Site Data
# Source/Medium
# 20200101-20200131
# ----------------------------------------

Source / Medium,Users,New Users,Sessions,Bounce Rate,Pages / Session,Avg. Session Duration,Goal Conversion Rate,Goal Completions,Goal Value
google / organic,"10,234","9,876","12,345",45.67%,3.21,00:02:31,1.23%,152,$0.00
(direct) / (none),"5,001","4,800","6,100",50.00%,2.00,00:01:10,0.50%,30,$0.00
,"15,235","14,676","18,445",47.00%,2.80,00:02:00,0.99%,182,$0.00

# ----------------------------------------
Day Index,Users
1/1/20,500
"""


def test_a_ga4_export_in_english_reads_without_preamble_or_total() -> None:
    frame = read_traffic(GA4_EN)
    assert frame["source_medium"].tolist() == [
        "google / organic",
        "(direct) / (none)",
        "newsletter / email",
    ]
    assert frame["sessions"].tolist() == [12034, 9876, 1200]
    assert frame["key_events"].tolist() == [310, 150.5, 40]
    assert frame["source"].tolist()[0] == "google" and frame["medium"].tolist()[0] == "organic"
    assert frame["users"].isna().all()  # this export has no users column


def test_a_ga4_export_in_dutch_reads_decimal_commas() -> None:
    frame = read_traffic(GA4_NL)
    assert frame["sessions"].tolist() == [12034, 9876]
    assert frame["key_events"].tolist() == [310.5, 150]
    assert frame["users"].tolist() == [10000, 8000]


def test_a_universal_analytics_export_reads_thousands_and_stops_at_its_total() -> None:
    frame = read_traffic(UA_EN)
    assert frame["sessions"].tolist() == [12345, 6100]
    assert frame["users"].tolist() == [10234, 5001]
    assert frame["key_events"].tolist() == [152, 30]


def test_a_segment_row_a_total_on_top_and_semicolons_are_understood() -> None:
    data = (
        "Bron/medium;Gebruikers;Sessies\n"
        ";1.500;2.000\n"  # a total row above the table
        "Nieuwe bezoekers;;\n"  # a segment's name on a row of its own
        "google / cpc;1.000;1.234\n"
        "bing / organic;500;766\n"
    ).encode("utf-8-sig")
    frame = read_traffic(data)
    assert frame["source_medium"].tolist() == ["google / cpc", "bing / organic"]
    assert frame["sessions"].tolist() == [1234, 766]


@pytest.mark.parametrize(
    "header",
    ["Sessiebron/-medium", "Bron/medium van sessie", "Eerste gebruikersbron/-medium"],
)
def test_every_dutch_name_of_the_source_medium_column_is_known(header: str) -> None:
    data = f"{header};Sessies;Gebruikers\ngoogle / organic;1.234;1.000\n".encode()
    frame = read_traffic(data)
    assert frame["source_medium"].tolist() == ["google / organic"]
    assert frame["sessions"].tolist() == [1234]  # a Dutch header: a dot groups thousands


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["ga4", "ua"])
def test_generated_exports_read_back_with_every_session(language: Language, kind: str) -> None:
    data = traffic_export(5000, language, seed=3, kind=kind)
    frame = read_traffic(data)
    assert frame["sessions"].sum() == 5000
    assert "google / organic" in set(frame["source_medium"])


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "error.traffic_empty"),
        (b"   \n\n", "error.traffic_empty"),
        (b"\x00\x01\x02\xff\xfe binary", "error.traffic_not_text"),
        (b"Page,Views\n/home,10\n", "error.traffic_no_source_medium"),
        (b"Source / Medium,Users\ngoogle / organic,10\n", "error.traffic_no_sessions"),
        (b"Session source / medium,Sessions\n", "error.traffic_no_rows"),
        (b"Session source / medium,Sessions\ngoogle / organic,lots\n", "error.traffic_bad_number"),
        (b"Session source / medium,Sessions\ngoogle / organic,nan\n", "error.traffic_bad_number"),
        (b'{"format": "klantreis"}', "error.traffic_no_source_medium"),
    ],
)
def test_a_wrong_file_gets_a_clear_message(data: bytes, key: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        read_traffic(data)
    assert caught.value.key == key
    for language in LANGUAGES:
        message = caught.value.message(language)
        assert message and "{" not in message


def test_typed_html_in_a_source_stays_text() -> None:
    data = b'Session source / medium,Sessions\n"<script>alert(1)</script> / x",5\n'
    frame = read_traffic(data)
    assert frame["source_medium"].tolist() == ["<script>alert(1)</script> / x"]


def test_a_huge_file_is_refused_before_reading() -> None:
    with pytest.raises(KlantreisError) as caught:
        read_traffic(b"Session source / medium,Sessions\n" + b"a / b,1\n" * 7_000_000)
    assert caught.value.key == "error.import_too_large"
