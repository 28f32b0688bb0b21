"""Settings from environment variables prefixed ``LIAISON_``; built once and passed in, never read at import."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from liaison_hub.errors import InvalidInput
from liaison_hub.policy.levels import parse_classification

PLACEHOLDER_SECRET = "change-me-not-a-secret"


class Environment(StrEnum):
    development = "development"
    production = "production"


class Settings(BaseSettings):
    """Everything the hub needs to know about its deployment."""

    model_config = SettingsConfigDict(env_prefix="LIAISON_", extra="ignore")

    environment: Environment = Environment.development
    data_dir: Path = Field(default=Path("var"), description="Where the SQLite file and uploads live.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default is a SQLite file in data_dir.")
    accreditation: str = Field(
        default="NS", description="Highest classification (nato taxonomy code) this hub may hold."
    )
    secret_key: str = PLACEHOLDER_SECRET
    hub_name: str = "Liaison Hub"
    allow_anonymous: bool = Field(default=False, description="Serve TLP:CLEAR records to anonymous readers.")
    session_max_age: int = 8 * 3600
    sql_echo: bool = False
    taxii_api_root: str = Field(default="hub", pattern=r"^[a-z0-9][a-z0-9-]{0,40}$", description="TAXII API root path.")
    taxii_max_content_length: int = Field(default=10 * 1024 * 1024, ge=1024, description="Largest TAXII POST body.")
    taxii_page_size: int = Field(default=100, ge=1, description="TAXII page size when a client gives no limit.")
    taxii_max_page_size: int = Field(default=5000, ge=1, description="Largest TAXII page, whatever limit is asked.")
    correlation_limit: int = Field(
        default=20, ge=1, description="Values in more readable records than this stop correlating for that reader."
    )
    access_log: bool = Field(
        default=False,
        description="Log every HTTP request line (off by default, as in gunicorn: a paging TAXII client makes many "
        "requests; the audit log records changes and sensitive reads either way).",
    )
    index_worker: Literal["process", "thread", "none"] = Field(
        default="process",
        description="Run the correlation index worker as a process of its own (another core), as a server thread, "
        "or not in this process ('none': another process runs it, as the supervisor of several workers does).",
    )

    @field_validator("accreditation")
    @classmethod
    def _known_level(cls, value: str) -> str:
        """Refuse an unknown level at start-up, naming the setting, not at the first marking."""
        try:
            return parse_classification(value).code
        except InvalidInput as exc:
            raise ValueError(exc.message) from None

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment is Environment.production and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "LIAISON_SECRET_KEY must be set to a random value of at least 32 characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'liaison.db').resolve()}"


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides taking precedence."""
    return Settings(**overrides)  # type: ignore[arg-type]
