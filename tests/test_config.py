"""Settings: read from LIAISON_* environment variables, safe defaults, and a refusal to run production with the
placeholder secret."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from liaison_hub.cli.main import app as cli
from liaison_hub.config import PLACEHOLDER_SECRET, Environment, Settings, get_settings

STRONG_SECRET = "x" * 48


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from no LIAISON_* variables, whatever the shell running the suite has set."""
    for name in list(os.environ):
        if name.startswith("LIAISON_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("secret", [PLACEHOLDER_SECRET, "short-but-not-placeholder", ""])
def test_production_refuses_a_placeholder_or_weak_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="LIAISON_SECRET_KEY must be set to a random value of at least 32"):
        Settings(environment=Environment.production, secret_key=secret)


def test_production_refuses_the_default_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="LIAISON_SECRET_KEY"):
        get_settings()


def test_production_runs_with_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_ENVIRONMENT", "production")
    monkeypatch.setenv("LIAISON_SECRET_KEY", STRONG_SECRET)
    settings = get_settings()
    assert (settings.environment, settings.secret_key) == (Environment.production, STRONG_SECRET)


def test_development_defaults_are_safe_and_local() -> None:
    settings = Settings()
    assert settings.environment is Environment.development
    assert settings.secret_key == PLACEHOLDER_SECRET
    assert settings.accreditation == "NS"
    assert settings.allow_anonymous is False
    assert settings.effective_database_url == f"sqlite:///{(Path('var') / 'liaison.db').resolve()}"


def test_liaison_prefixed_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    variables = {
        "LIAISON_ENVIRONMENT": "production",
        "LIAISON_SECRET_KEY": STRONG_SECRET,
        "LIAISON_DATABASE_URL": "postgresql://hub@db.example/hub",
        "LIAISON_DATA_DIR": str(tmp_path),
        "LIAISON_ACCREDITATION": "NR",
        "LIAISON_HUB_NAME": "Tokyo liaison hub",
        "LIAISON_ALLOW_ANONYMOUS": "true",
        "LIAISON_SESSION_MAX_AGE": "600",
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    settings = get_settings()
    assert settings.environment is Environment.production
    assert settings.effective_database_url == "postgresql://hub@db.example/hub"
    assert settings.data_dir == tmp_path
    assert (settings.accreditation, settings.hub_name) == ("NR", "Tokyo liaison hub")
    assert (settings.allow_anonymous, settings.session_max_age) == (True, 600)


def test_unprefixed_variables_are_ignored_and_overrides_win(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone-else/db")
    monkeypatch.setenv("SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("LIAISON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LIAISON_ACCREDITATION", "NR")
    settings = get_settings(accreditation="NC")
    assert settings.database_url is None
    assert settings.secret_key == PLACEHOLDER_SECRET
    assert settings.effective_database_url == f"sqlite:///{(tmp_path / 'liaison.db').resolve()}"
    assert settings.accreditation == "NC"


def test_accreditation_is_checked_and_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(accreditation="nato secret").accreditation == "NS"
    assert Settings(accreditation="cts").accreditation == "CTS"
    monkeypatch.setenv("LIAISON_ACCREDITATION", "ULTRA")
    with pytest.raises(ValidationError, match=r"accreditation[\s\S]*unknown classification 'ULTRA'"):
        get_settings()


@pytest.mark.parametrize("command", [["serve"], ["org", "list"], ["init"]])
def test_cli_refuses_to_start_in_production_with_the_placeholder(tmp_path: Path, command: list[str]) -> None:
    env = {
        "LIAISON_ENVIRONMENT": "production",
        "LIAISON_DATABASE_URL": f"sqlite:///{tmp_path / 'never-created.db'}",
        "LIAISON_DATA_DIR": str(tmp_path),
    }
    result = CliRunner().invoke(cli, command, env=env)
    assert result.exit_code == 1
    assert "invalid settings" in result.stderr
    assert "LIAISON_SECRET_KEY" in " ".join(result.stderr.split())
    assert not (tmp_path / "never-created.db").exists()


def test_cli_names_a_bad_setting(tmp_path: Path) -> None:
    env = {"LIAISON_ACCREDITATION": "ULTRA", "LIAISON_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["org", "list"], env=env)
    assert result.exit_code == 1
    assert "invalid settings: accreditation: unknown classification 'ULTRA'" in " ".join(result.stderr.split())
