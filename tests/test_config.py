"""Settings: the toml file, PRIVACYDESK_* variables over it, clear errors, no default secret in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacydesk.config import load_settings
from privacydesk.errors import UnusableInput


def test_the_toml_file_sets_values_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "privacydesk.toml"
    config.write_text('[privacydesk]\nbase_url = "https://privacy.example.nl"\nsmtp_port = 2525\n')
    monkeypatch.setenv("PRIVACYDESK_SMTP_PORT", "587")
    settings = load_settings(config)
    assert settings.base_url == "https://privacy.example.nl"
    assert settings.smtp_port == 587


def test_a_command_line_override_wins_over_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYDESK_DATABASE_URL", "sqlite:///env.db")
    assert (
        load_settings(tmp_path / "absent.toml", database_url="sqlite:///cli.db").database_url
        == "sqlite:///cli.db"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[privacydesk\nbase_url = 1", "privacydesk.toml"),
        ('[privacydesk]\nsmtp_port = "many"', "setting 'smtp_port'"),
        ("[privacydesk]\nno_such_setting = 1", "setting 'no_such_setting'"),
    ],
)
def test_a_bad_config_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "privacydesk.toml"
    config.write_text(text)
    with pytest.raises(UnusableInput, match=message.replace("'", ".")):
        load_settings(config)


def test_production_refuses_the_default_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYDESK_ENV", "production")
    with pytest.raises(UnusableInput, match="PRIVACYDESK_SECRET_KEY must be set"):
        load_settings(tmp_path / "absent.toml")
    monkeypatch.setenv("PRIVACYDESK_SECRET_KEY", "a-long-random-value-for-production-use-0123456789")
    assert load_settings(tmp_path / "absent.toml").env == "production"
