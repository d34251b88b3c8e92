"""Reporting periods and dates in the shapes reports use."""

from __future__ import annotations

import pytest

from loaders.periods import add_months, dates_in, parse_period


@pytest.mark.parametrize(("text", "start", "end"), [
    ("November 2014 – September 2015", "2014-11", "2015-09"),
    ("August 2017 June 2018", "2017-08", "2018-06"),
    ("1stJanuary 2018 to 30 June 2018", "2018-01", "2018-06"),
    ("novembre 2014 – septembre 2015", "2014-11", "2015-09"),
    ("Aout 2017 - juin 2018", "2017-08", "2018-06"),
    ("1er janvier 2017 au 30 juin 2018", "2017-01", "2018-06"),
    ("noviembre de 2014 – septiembre de 2015", "2014-11", "2015-09"),
    ("01/2017 - 06/2018", "2017-01", "2018-06"),
    ("2015-2016", "2015", "2016"),
    ("November – December 2015", "2015-11", "2015-12"),
])
def test_period_shapes(text: str, start: str, end: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


def test_no_date_gives_empty_period() -> None:
    assert parse_period("to be confirmed").start is None


def test_dates_in_sentence() -> None:
    assert dates_in("not due to begin until January 2016.") == ["2016-01"]
    assert dates_in("until 2016") == ["2016"]


@pytest.mark.parametrize(("date", "months", "expected"), [
    ("2015-09", 12, "2016-09"), ("2015-09", 9, "2016-06"), ("2015-12", 1, "2016-01"), ("2015", 6, "2016-06"),
])
def test_add_months(date: str, months: int, expected: str) -> None:
    assert add_months(date, months) == expected
