"""The deployment's role files (``deploy/roles/``) as ``scripts/supervise.py --env-file``
reads them: every address derived from a host's few site values, a missing one named."""

import pytest

from scripts.servers import ROOT
from scripts.supervise import read_procfile, settings_from

ROLES = ROOT / "deploy" / "roles"
SITE = {"PATH": "/usr/bin:/bin", "THIS_HOST": "10.0.0.11", "DATA_HOST": "10.0.0.20",
        "RASA_URLS": "http://10.0.0.11:5005,http://10.0.0.12:5005",
        "PUBLIC_URL": "https://assistant.example.org", "SECRET_KEY": "s",
        "MODEL_SERVER_TOKEN": "t"}


def role(name, **site):
    return settings_from([ROLES / "site.env", ROLES / f"{name}.env"], base={**SITE, **site})


def test_every_address_comes_from_the_site_values():
    web, rasa = role("web"), role("rasa")
    assert web["DATABASE_URL"] == "postgresql+psycopg://postgres@10.0.0.20:5432/assistant"
    assert web["REDIS_URL"] == "redis://10.0.0.20:6379/0"
    assert (web["WEB_HOST"], web["PORT"], web["TRUSTED_PROXIES"]) == ("10.0.0.11", "8000", "1")
    assert (web["SECURE_COOKIES"], web["PRODUCTION"]) == ("1", "1")  # https behind the balancer
    assert rasa["ACTIONS_URL"] == "http://10.0.0.11:5055"  # the action server of the same host
    assert rasa["MODEL_SERVER_URL"] == "https://assistant.example.org/api/model"
    assert (rasa["RASA_HOST"], rasa["RASA_DB_HOST"], rasa["REDIS_HOST"]) == (
        "10.0.0.11", "10.0.0.20", "10.0.0.20")
    assert role("jobs", CLOSER_EVERY="5")["CLOSER_EVERY"] == "5"  # the host's value wins


@pytest.mark.parametrize("missing", ["THIS_HOST", "DATA_HOST", "RASA_URLS", "PUBLIC_URL",
                                     "SECRET_KEY", "MODEL_SERVER_TOKEN"])
def test_a_missing_site_value_stops_the_start_naming_it(missing):
    site = {name: value for name, value in SITE.items() if name != missing}
    with pytest.raises(ValueError, match=f"set {missing}"):
        settings_from([ROLES / "site.env"], base=site)


def test_each_role_runs_its_processes():
    names = {name: [p.name for p in read_procfile(ROLES / f"{name}.Procfile")]
             for name in ("web", "rasa", "actions", "jobs")}
    assert names == {"web": ["web"], "rasa": ["rasa"], "actions": ["actions"],
                     "jobs": ["closer", "mailer", "retention", "worker", "probe", "reminders",
                              "watch"]}
