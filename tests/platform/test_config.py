"""Settings: declared once, unknown ones refused."""

import pytest

from tessera.platform import create_app
from tessera.platform.config import ConfigError, load_settings


def test_create_app_refuses_an_unknown_setting(tmp_path):
    with pytest.raises(ConfigError) as caught:
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "DATABSE_URL": "typo"})
    assert "DATABSE_URL" in str(caught.value)
    assert not (tmp_path / "x.db").exists()


def test_create_app_refuses_a_value_that_does_not_parse(tmp_path):
    with pytest.raises(ConfigError) as caught:
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "MAX_CONTENT_LENGTH": "lots"})
    assert "MAX_CONTENT_LENGTH" in str(caught.value)


def test_create_app_takes_known_settings(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "TESTING": True, "MAX_CONTENT_LENGTH": 2000})
    try:
        assert app.config["MAX_CONTENT_LENGTH"] == 2000
        assert app.config["TESTING"] is True
    finally:
        app.extensions["tessera"].dispose()


def test_settings_come_from_tessera_environment_variables_and_config_wins():
    environ = {"TESSERA_MAX_BATCH_SIZE": "7", "TESSERA_FISCAL_YEAR_START_MONTH": "4"}
    settings = load_settings({"MAX_BATCH_SIZE": 3}, environ=environ)
    assert settings["MAX_BATCH_SIZE"] == 3
    assert settings["FISCAL_YEAR_START_MONTH"] == 4


@pytest.mark.parametrize("name, value", [("FISCAL_YEAR_START_MONTH", "13"), ("SQL_ECHO", "sometimes"),
                                         ("LOGIN_MAX_FAILURES", "0"), ("SESSION_IDLE_TIMEOUT", "soon")])
def test_bad_environment_values_are_refused_by_name(name, value):
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={f"TESSERA_{name}": value})
    assert name in str(caught.value)
