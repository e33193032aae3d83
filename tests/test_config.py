"""Settings: set, show, unset, and clear errors for unknown names and bad values."""

from __future__ import annotations

from datetime import date, timedelta

SOON = (date.today() + timedelta(days=18)).isoformat()  # an interview date the CLI accepts on any day


def test_config_set_show_and_errors(run):
    assert run("config", "new-per-day", "35").exit_code == 0
    shown = run("config", "new-per-day")
    assert "new-per-day = 35" in shown.stdout
    bad = run("config", "desired-retention", "1.5")
    assert bad.exit_code == 2 and "0.70 to 0.99" in bad.stderr
    unknown = run("config", "new-per-dya", "3")
    assert unknown.exit_code == 2 and "did you mean 'new-per-day'" in unknown.stderr
    assert run("config", "interview-date", SOON).exit_code == 0
    everything = run("config").stdout
    assert f"interview-date = {SOON}" in everything and "desired-retention = 0.9" in everything
    assert run("config", "interview-date", "--unset").exit_code == 0
    assert "interview-date = not set" in run("config").stdout
    assert run("config", "interview-date", "24/12/2026").exit_code == 2
