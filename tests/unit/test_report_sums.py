"""The Haushaltsbericht's sums from one pass equal the sums of one pass per cell."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from isekctl.publishing import german
from isekctl.publishing.reports import _add, _kind_rows, _plan_rows, _sums_by

KINDS = list(german.BUDGET_KINDS)


def _line(year: int, kind: str, cents: int) -> dict[str, Any]:
    plan = german.BUDGET_PLANS[kind]
    return {"year": year, "kind": kind, "plan": plan, "amount": Decimal(cents) / 100}


LINES = st.lists(
    st.builds(_line, st.integers(2019, 2031), st.sampled_from(KINDS), st.integers(0, 10**11)),
    max_size=40,
)


def _plan_rows_per_cell(lines: list[Any], plans: list[str], years: list[int]) -> list[Any]:
    """The former implementation: one pass over the lines per plan."""
    rows = []
    for plan in plans:
        cells: dict[int, Decimal | None] = dict.fromkeys(years)
        total: Decimal | None = None
        for line in lines:
            if line["plan"] == plan:
                if line["year"] in cells:
                    cells[line["year"]] = _add(cells[line["year"]], line["amount"])
                total = _add(total, line["amount"])
        rows.append({"plan": plan, "contents": german.PLAN_CONTENTS[plan], "years": cells,
                     "total": total})  # fmt: skip
    return rows


@given(LINES, st.lists(st.integers(2019, 2031), unique=True), st.booleans())
def test_plan_rows_equal_one_pass_per_plan(lines: list[Any], years: list[int], both: bool) -> None:
    plans = list(german.PLANS) if both else [german.PLANS[-1]]
    fast, slow = _plan_rows(iter(lines), plans, years), _plan_rows_per_cell(lines, plans, years)
    assert fast == slow
    # the same Decimals, exponent included ("1.50" is not "1.5" on the page)
    assert [str(r["total"]) for r in fast] == [str(r["total"]) for r in slow]
    assert [[str(v) for v in r["years"].values()] for r in fast] == [
        [str(v) for v in r["years"].values()] for r in slow
    ]


MEASURES = st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("xy"), LINES), max_size=12)


@given(MEASURES)
def test_sums_of_every_grouping_in_one_pass_equal_a_pass_per_group(measures: list[Any]) -> None:
    """Each grouping's sums are made of the sums of the finest groups: the same Decimals."""
    views = [{"area": a, "department": d, "budget": lines} for a, d, lines in measures]
    years = sorted({line["year"] for view in views for line in view["budget"]})
    plans = list(german.PLANS)
    keys = [
        lambda _: "",
        lambda m: m["area"],
        lambda m: (m["area"], m["department"]),
        lambda m: m["department"],
    ]
    for key_of, found in zip(keys, _sums_by(views, keys, plans, years), strict=True):
        groups: dict[Any, list[Any]] = {}
        for view in views:
            if view["budget"]:  # a group of measures without lines has no sums
                groups.setdefault(key_of(view), []).extend(view["budget"])
        assert set(found) == set(groups)
        for key, lines in groups.items():
            expected = _plan_rows_per_cell(lines, plans, years)
            assert found[key].rows() == expected
            assert [str(r["total"]) for r in found[key].rows()] == [
                str(r["total"]) for r in expected
            ]


@given(LINES)
def test_kind_rows_keep_the_order_of_kinds_and_every_amount(lines: list[Any]) -> None:
    years = sorted({line["year"] for line in lines})
    rows = _kind_rows(lines, years)
    assert [r["kind"] for r in rows] == [k for k in KINDS if any(x["kind"] == k for x in lines)]
    for row in rows:
        own = [x["amount"] for x in lines if x["kind"] == row["kind"]]
        assert row["total"] == sum(own, Decimal(0))
        assert sum(v for v in row["years"].values() if v is not None) == row["total"]


@given(
    st.one_of(
        st.decimals(
            allow_nan=False, allow_infinity=False, places=2, max_value=10**13, min_value=-(10**13)
        ),
        st.integers(-(10**13), 10**13).map(Decimal),
        st.integers(-(10**9), 10**9).map(lambda n: Decimal(n).scaleb(-2)),
        st.integers(-(10**9), 10**9).map(lambda n: Decimal(n) * 100),  # "1E+2"-like exponents
        st.integers(-(10**40), 10**40).map(Decimal),  # beyond Decimal's 28 digits
        st.integers(25, 40).map(lambda e: Decimal(10) ** e),
    )
)
def test_money_of_whole_amounts_is_number_without_places(amount: Decimal) -> None:
    """`money` writes whole amounts without the general number formatting, to the letter."""
    places = 0 if amount == amount.to_integral_value() else 2
    try:
        expected = f"{german.number(amount, places)} €"
    except InvalidOperation:  # too many digits for Decimal's precision: so for money too
        with pytest.raises(InvalidOperation):
            german.money(amount)
        return
    assert german.money(amount) == expected
