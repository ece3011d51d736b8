"""Mapping rules: wildcards and regular expressions, first match wins, bad patterns refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from klantreis.domain import ValidationFailed, validation_failed
from klantreis.domain.mapping import ChannelRule, MappingRules, StepRule, matches


def test_wildcards_match_without_regard_to_case() -> None:
    assert matches("google / *", "Google / CPC")
    assert matches("* / organic", "bing / organic")
    assert not matches("* / organic", "bing / organic-ish")
    assert matches("/tickets/*", "/tickets/choose?seat=1")
    assert not matches("/tickets/*", "/home/tickets/x")


def test_regular_expressions_after_re_search_anywhere() -> None:
    assert matches("re:^/(nl|en)/checkout", "/nl/checkout/pay")
    assert not matches("re:^/(nl|en)/checkout", "/de/checkout")
    assert matches("re:facebook", "m.facebook.com / referral")


def test_the_first_matching_rule_wins_and_the_rest_is_unmapped() -> None:
    rules = MappingRules(
        channels=[
            ChannelRule(pattern="google / cpc", channel="Paid"),
            ChannelRule(pattern="google / *", channel="Google"),
        ],
        steps=[StepRule(pattern="/a*", step=1), StepRule(pattern="/ab*", step=2)],
    )
    assert rules.channel_for("google / cpc").channel == "Paid"  # type: ignore[union-attr]
    assert rules.channel_for("google / organic").channel == "Google"  # type: ignore[union-attr]
    assert rules.channel_for("bing / organic") is None
    assert rules.step_for("/abc") == 1
    assert rules.step_for("/zzz") is None


@pytest.mark.parametrize("pattern", ["re:(unclosed", "re:*bad"])
def test_a_bad_regular_expression_is_refused_with_a_message(pattern: str) -> None:
    with pytest.raises(ValidationError) as caught:
        StepRule(pattern=pattern, step=1)
    failed = validation_failed(caught.value)
    assert isinstance(failed, ValidationFailed)
    assert failed.problems[0].key == "rule.bad_pattern"
    assert "regular expression" in failed.problems[0].message("en")
    assert "reguliere expressie" in failed.problems[0].message("nl")


def test_empty_patterns_and_step_zero_are_refused() -> None:
    with pytest.raises(ValidationError):
        StepRule(pattern="   ", step=1)
    with pytest.raises(ValidationError):
        StepRule(pattern="/a", step=0)
