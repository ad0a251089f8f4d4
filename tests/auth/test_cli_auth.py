"""Through the CLI, a refused credential is exit code 3 with the one sentence on stderr."""

from __future__ import annotations

from ecstui.cli.main import main


def test_status_with_stored_keys_exits_3(offline_home, tmp_path, capsys) -> None:
    offline_home.add_credentials(
        "[work]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s"
    )
    config = tmp_path / "ecstui.toml"
    config.write_text('[environments.prod]\nprofile = "work"\nregion = "eu-west-1"\n')
    code = main(["--config", str(config), "status"])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "AWS profile 'work' uses long-lived access keys stored in the shared credentials " \
        f"file {offline_home.credentials} [work], which ecstui refuses" in err
    assert "`aws sso login --profile work`" in err
    assert "Traceback" not in err


def test_status_with_env_user_key_exits_3(offline_home, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    config = tmp_path / "ecstui.toml"
    config.write_text('[environments.pre-prod]\nregion = "eu-west-1"\n'
                      '[environments.prod]\nregion = "eu-west-1"\n')
    code = main(["--config", str(config), "status"])
    err = capsys.readouterr().err
    assert code == 3, err
    assert err.count("long-lived IAM user key (AKIA") == 2  # each environment says why
