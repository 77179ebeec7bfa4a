"""The deal-quality benchmark: labelled histories through the real deal code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from priceradar.bench.deal_scenarios import KINDS, Change, Event, Scenario, scenarios
from priceradar.bench.deals_eval import Alert, evaluate, score
from priceradar.cli import app

D = Decimal


def test_scoring_counts_one_right_alert_per_real_deal() -> None:
    # Given one real deal between days 10 and 20 at 30% off
    scenario = Scenario("x", 0, [Change(0, D(100))], [Event(10, 20, D(30))], scored_from_day=1)
    alerts = [
        Alert(0.5, "deal", D(50)),  # before scoring starts: ignored
        Alert(12, "deal", D(28)),  # right, discount within 3 points
        Alert(13, "deal_deeper", D(35)),  # a second announcement of the same deal: wrong
        Alert(30, "deal", D(30)),  # outside any deal: wrong
    ]
    got = score(scenario, alerts, D(3)).figures
    assert (got["alerts"], got["right_alerts"], got["right_discounts"]) == (3, 1, 1)
    assert got["alert_recall"] == 1.0 and got["alert_precision"] == 0.3333


def test_histories_are_labelled_and_reproducible() -> None:
    histories = scenarios(3, seed=7)
    assert {s.kind for s in histories} == set(KINDS)
    assert histories == scenarios(3, seed=7)
    for s in histories:
        assert [c.day for c in s.changes] == sorted(c.day for c in s.changes)
        assert all(e.discount_percent >= 20 for e in s.events)


def test_default_rules_meet_the_target_and_the_database_agrees(tmp_path: Path) -> None:
    # Given a small labelled set, replayed by the pure rules and partly through SQLite
    report = evaluate(per_kind=20, db_per_kind=1, database_url=f"sqlite:///{tmp_path}/d.db")
    default = report.total("established").figures
    # Then the default reference meets the target, the median reference does not
    assert default["alert_precision"] >= 0.98 and default["alert_recall"] >= 0.95
    assert default["discount_precision"] >= 0.98 and default["discount_recall"] >= 0.95
    assert report.total("median").figures["alert_precision"] < 0.9
    # and the database path gives exactly the alerts of the pure rules
    assert report.db_checked == 7 and report.db_agreeing == report.db_checked


def test_cli_prints_the_table() -> None:
    result = CliRunner().invoke(app, ["bench", "deals", "--per-kind", "2", "--db-per-kind", "0"])
    assert result.exit_code == 0, result.output
    assert "| established |" in result.output


def test_check_transaction_timing_runs_and_rolls_back(tmp_path: Path) -> None:
    from priceradar.bench.deals_db import time_check_transaction

    got = time_check_transaction(f"sqlite:///{tmp_path}/t.db", 3, days=10, repeats=2)
    assert got["products"] == 3 and got["history_rows_written"] == 3 and got["median_ms"] > 0
