import json

from layers import DEFAULTS, deep_merge, load_config


def test_nested_dicts_merge_key_by_key():
    merged = deep_merge(DEFAULTS, {"server": {"port": 9000, "tls": {"cert": "a.pem"}}})
    assert merged["server"] == {
        "host": "127.0.0.1",
        "port": 9000,
        "tls": {"enabled": False, "cert": "a.pem"},
    }
    assert DEFAULTS["server"]["port"] == 8080
    assert "cert" not in DEFAULTS["server"]["tls"]


def test_lists_and_values_replace():
    merged = deep_merge(DEFAULTS, {"features": ["beta"], "log": "off", "new": {"x": 1}})
    assert merged["features"] == ["beta"]
    assert merged["log"] == "off"
    assert merged["new"] == {"x": 1}


def test_all_layers(tmp_path):
    user = tmp_path / "config.json"
    user.write_text(json.dumps({"log": {"level": "debug"}, "server": {"host": "0.0.0.0"}}))
    config = load_config(user, {"APP_SERVER__PORT": "9000", "HOME": "/root"})
    assert config["server"]["host"] == "0.0.0.0"
    assert config["server"]["port"] == 9000
    assert config["log"] == {"level": "debug", "file": None}
    assert config["server"]["tls"] == {"enabled": False}
